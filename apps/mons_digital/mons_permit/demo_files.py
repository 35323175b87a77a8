# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Demo data of the permit files: consulted bodies, a cadastre of a few
blocks in the sections of Mons (Lambert 72 outlines, owners from the demo
contacts) and a dozen files at every step of the procedure."""
import datetime as dt
import json
import random

from trytond.pool import Pool
from trytond.transaction import Transaction

from .capakey import join as capakey_join

# Cadastral divisions of Mons (INS code of the division) per section
DIVISIONS = {'MONS': 53053, 'JEMAPPES': 53041, 'CUESMES': 53020,
    'GHLIN': 53032, 'NIMY': 53058, 'HAVRE': 53036, 'SPIENNES': 53082}
BODIES = [
    ('SRI', "Zone de secours Hainaut-Centre", 30, False,
        'prevention@hainaut-centre.example.be'),
    ('FD', "SPW Territoire - Fonctionnaire délégué", 35, True,
        'fd.hainaut1@spw.example.be'),
    ('DPA', "SPW Environnement - Département des permis", 30, False,
        'dpa.mons@spw.example.be'),
    ('CCATM', "CCATM de Mons", 30, False, 'ccatm@ville.mons.example.be'),
    ('SWDE', "SWDE - Société wallonne des eaux", 30, False,
        'avis@swde.example.be'),
    ('AWAP', "Agence wallonne du Patrimoine", 30, False,
        'avis@awap.example.be'),
    ]
# (type, object, section, last step, origin)
FILES = [
    ('PU', "Construction d'une véranda à l'arrière", 'MONS', 'draft',
        'counter'),
    ('PU_SANS_ARCHI', "Remplacement des châssis en façade avant", 'NIMY',
        'deposited', 'portal'),
    ('CU1', "Certificat d'urbanisme n°1 avant vente", 'GHLIN', 'incomplete',
        'counter'),
    ('PU', "Transformation d'une maison unifamiliale", 'JEMAPPES',
        'complete', 'counter'),
    ('PE2', "Exploitation d'une carrosserie", 'CUESMES', 'inquiry',
        'counter'),
    ('PU', "Extension d'un immeuble de bureaux", 'MONS', 'opinions',
        'counter'),
    ('PURB', "Lotissement de 12 lots", 'HAVRE', 'decision', 'counter'),
    ('PU', "Démolition et reconstruction d'un garage", 'MONS', 'notified',
        'counter'),
    ('DECL3', "Citerne de gasoil de 5 000 litres", 'SPIENNES', 'closed',
        'portal'),
    ('PU', "Abattage de deux arbres remarquables", 'NIMY', 'refused',
        'counter'),
    ('PE1', "Centre de tri de déchets inertes", 'GHLIN', 'appeal',
        'counter'),
    ('PU', "Pose d'une enseigne lumineuse", 'MONS', 'cancelled', 'portal'),
    ]


def _lambert(lon, lat):
    from pyproj import Transformer
    return Transformer.from_crs('EPSG:4326', 'EPSG:31370',
        always_xy=True).transform(lon, lat)


def _square(x, y, w, h):
    return json.dumps({'type': 'Polygon', 'coordinates': [[
                    [round(x, 2), round(y, 2)], [round(x + w, 2), round(y, 2)],
                    [round(x + w, 2), round(y + h, 2)],
                    [round(x, 2), round(y + h, 2)],
                    [round(x, 2), round(y, 2)]]]})


def load_bodies(pool):
    Party = pool.get('party.party')
    Body = pool.get('permit.opinion.body')
    bodies = {b.code: b for b in Body.search([])}
    for code, name, days, official, email in BODIES:
        if code in bodies:
            continue
        party, = Party.create([{'name': name, 'contact_mechanisms': [
                        ('create', [{'type': 'email', 'value': email}])]}])
        bodies[code], = Body.create([{'party': party.id, 'code': code,
                    'days': days, 'regional_official': official,
                    'email': email}])
    return bodies


def load_parcels(pool, rng):
    "A block of 4 x 5 parcels near the centre of each section"
    Parcel = pool.get('permit.parcel')
    Party = pool.get('party.party')
    Section = pool.get('mons.section')
    if Parcel.search([], limit=1):
        return {}
    owners = Party.search([('addresses', '!=', None)], limit=200)
    sections = {s.code: s for s in Section.search([])}
    rows, blocks = [], {}
    for code, division in DIVISIONS.items():
        section = sections.get(code)
        if not section or section.latitude is None:
            continue
        x0, y0 = _lambert(section.longitude, section.latitude)
        street = f"Rue du Centre, {section.name}"
        for i in range(4):
            for j in range(5):
                number = 100 + i * 10 + j
                rows.append({
                        'capakey': capakey_join(division, 'A', number),
                        'section': section.id,
                        'address': f'{street} {number - 99}',
                        'geometry': _square(x0 + j * 22, y0 + i * 32, 20, 30),
                        'owners': ([('add', [rng.choice(owners).id])]
                            if owners else []),
                        })
                blocks.setdefault(code, []).append(rows[-1]['capakey'])
    parcels = {p.capakey: p for p in Parcel.create(rows)}
    return {code: [parcels[c] for c in keys]
        for code, keys in blocks.items()}


def load_files(pool, rng, blocks, bodies):
    File = pool.get('permit.file')
    ProcedureType = pool.get('permit.procedure_type')
    Inquiry = pool.get('permit.inquiry')
    Opinion = pool.get('permit.opinion')
    Claim = pool.get('permit.claim')
    Party = pool.get('party.party')
    User = pool.get('res.user')
    Service = pool.get('mons.service')
    Section = pool.get('mons.section')
    Date = pool.get('ir.date')
    if File.search([], limit=1):
        return
    today = Date.today()
    types = {t.code: t for t in ProcedureType.search([])}
    officers = User.search([('login', '=', 'urbanisme')])
    services = {s.code: s for s in Service.search([
                ('code', 'in', ['URB-PU', 'URB-ENV'])])}
    sections = {s.code: s for s in Section.search([])}
    applicants = Party.search([('addresses', '!=', None)], limit=60)
    architects = Party.search([('name', 'ilike', '%architect%')], limit=5)
    company = Transaction().context.get('company')
    for index, (code, object_, section, step, origin) in enumerate(FILES):
        type_ = types[code]
        block = blocks.get(section) or []
        parcel = block[(index * 3) % len(block)] if block else None
        # Older steps were deposited earlier
        age = {'draft': 0, 'deposited': 5, 'incomplete': 15,
            'complete': 25, 'inquiry': 30, 'opinions': 50,
            'decision': 80, 'notified': 100, 'closed': 160,
            'refused': 120, 'appeal': 110, 'cancelled': 10}[step]
        deposit = today - dt.timedelta(days=age)
        service = services.get(
            'URB-ENV' if type_.kind == 'environment' else 'URB-PU')
        file, = File.create([{
                    'company': company,
                    'procedure_type': type_.id,
                    'object': object_,
                    'origin': origin,
                    'applicant': rng.choice(applicants).id,
                    'architect': (rng.choice(architects).id
                        if architects and type_.requires_architect else None),
                    'address': parcel.address if parcel else None,
                    'section': sections[section].id
                    if section in sections else None,
                    'parcels': [('add', [parcel.id])] if parcel else [],
                    'officer': officers[0].id if officers else None,
                    'service': service.id if service else None,
                    'deposit_date': deposit,
                    }])
        if step == 'draft':
            continue
        File.deposit([file])
        if step == 'cancelled':
            File.cancel([file])
            continue
        if step == 'deposited':
            continue
        if step == 'incomplete':
            File.write([file], {
                    'incomplete_reason': "Plan de situation manquant."})
            File.declare_incomplete([file])
            continue
        with Transaction().set_context(_permit_workflow=True):
            File.write([file], {
                    'complete_date': deposit + dt.timedelta(days=10)})
        File.declare_complete([file])
        if step == 'complete':
            continue
        if type_.requires_inquiry != 'none' or step == 'inquiry':
            File.start_inquiry([file])
            inquiry = file.inquiries[-1]
            start = deposit + dt.timedelta(days=12)
            if step == 'inquiry':
                start = today - dt.timedelta(days=3)
            Inquiry.write([inquiry], {'start_date': start})
            if parcel:
                Inquiry.list_neighbours([inquiry])
            Inquiry.open([inquiry])
            Claim.create([{'inquiry': inquiry.id,
                        'date': start + dt.timedelta(days=2),
                        'kind': 'observation',
                        'author': rng.choice(applicants).id,
                        'text': "Inquiétude quant au charroi."}])
            if step == 'inquiry':
                continue
            Inquiry.close([inquiry])
        if step in {'opinions', 'decision', 'notified', 'closed', 'refused',
                'appeal'}:
            if file.state in {'complete', 'inquiry'}:
                File.request_opinions([file])
            body = bodies['SRI'] if type_.kind == 'urbanism' else bodies['DPA']
            request = file.complete_date + dt.timedelta(days=1)
            opinion, = Opinion.create([{'file': file.id, 'body': body.id,
                        'days': body.days, 'request_date': request}])
            Opinion.request([opinion])
            if step == 'opinions':
                continue
            Opinion.write([opinion], {
                    'reply_date': request + dt.timedelta(days=20),
                    'result': 'favourable', 'reply': "Avis favorable."})
            Opinion.record_reply([opinion])
        File.to_decision([file])
        if step == 'decision':
            continue
        decision_date = max(file.inquiry_end or deposit, deposit
            + dt.timedelta(days=40)) + dt.timedelta(days=1)
        File.write([file], {
                'decision': 'refused' if step == 'refused' else 'granted',
                'decision_date': decision_date,
                'notification_date': decision_date + dt.timedelta(days=2),
                })
        File.notify([file])
        if step == 'appeal':
            File.write([file], {'appeal_date': decision_date
                        + dt.timedelta(days=10)})
            File.appeal([file])
        elif step in {'closed', 'refused'}:
            File.close([file])


def load_officer_rights(pool):
    "The demo urbanism officer also adjusts the procedures"
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    group = ModelData.get_id('mons_permit', 'group_permit_admin')
    users = User.search([('login', '=', 'urbanisme')])
    if users and group not in [g.id for g in users[0].groups]:
        User.write(users, {'groups': [('add', [group])]})


def load_layer(pool):
    """The staff map of the files where their parcels lie, read as the
    urbanism officer (only the urbanism office sees it)"""
    try:
        Layer = pool.get('carto.layer')
    except KeyError:
        return
    Model = pool.get('ir.model')
    User = pool.get('res.user')
    Service = pool.get('mons.service')
    ModelData = pool.get('ir.model.data')
    if Layer.search([('code', '=', 'permis-dossiers')]):
        return
    owners = User.search([('login', '=', 'urbanisme')])
    if not owners:
        return
    model, = Model.search([('name', '=', 'permit.file')])
    services = Service.search([('code', '=', 'URB-PU')], limit=1)
    Layer.create([{
                'name': "Dossiers de permis (localisation)",
                'code': 'permis-dossiers', 'public': False,
                'groups': [('add', [ModelData.get_id(
                                'mons_base', 'group_urbanism')])],
                'sequence': 70, 'source': 'model', 'model': model.id,
                'owner': owners[0].id,
                'service': services[0].id if services else None,
                'geometry_field': 'location',
                'model_fields': 'reference,object,deposit_date',
                'label_field': 'reference', 'geometry_type': 'polygon',
                'colour': '#e31a1c',
                'description': "Les parcelles des dossiers de permis en "
                "cours, pour le service de l'urbanisme.",
                }])


def load_demo(rng):
    pool = Pool()
    rng = random.Random(rng.random())
    load_officer_rights(pool)
    Configuration = pool.get('permit.configuration')
    if not Configuration.get_singleton():
        Configuration.create([{}])
    bodies = load_bodies(pool)
    blocks = load_parcels(pool, rng)
    load_files(pool, rng, blocks, bodies)
    load_layer(pool)
