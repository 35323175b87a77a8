# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The open-data dataset and the public map layer of the granted permits,
both read from ``permit.publication`` (publication.py), as a site ships
them (the demo calls ``setup``; a site can also configure them by hand).

The dataset's source reads as the data steward who owns it, the layer as
its GIS editor: both only see the public view, never the files. The
dataset is refreshed by its schedule (daily) and at once when a permit is
granted (trigger_publication_granted)."""
import json

from trytond.modules.mons_base.municipality import identity
from trytond.pool import Pool

DATASET_CODE = 'permis-octroyes'
LAYER_CODE = 'permis-octroyes'
MODEL = 'permit.publication'
FIELDS = ['reference', 'procedure_code', 'procedure_name', 'address',
    'section_name', 'decision_date', 'object', 'longitude', 'latitude']
SCHEMA = {'fields': [
        {'name': 'reference', 'type': 'string', 'title': "Référence",
            'constraints': {'required': True}},
        {'name': 'procedure_code', 'type': 'string', 'title': "Code"},
        {'name': 'procedure_name', 'type': 'string', 'title': "Procédure"},
        {'name': 'address', 'type': 'string', 'title': "Adresse"},
        {'name': 'section_name', 'type': 'string', 'title': "Section"},
        {'name': 'decision_date', 'type': 'date',
            'title': "Date de décision"},
        {'name': 'object', 'type': 'string', 'title': "Objet"},
        {'name': 'longitude', 'type': 'number', 'title': "Longitude"},
        {'name': 'latitude', 'type': 'number', 'title': "Latitude"},
        ]}


def _user_of(group, exclude_admin=True):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    domain = [('groups', '=', ModelData.get_id('mons_base', group))]
    if exclude_admin:
        domain.append(('id', '!=', ModelData.get_id('res', 'user_admin')))
    users = User.search(domain, limit=1, order=[('id', 'ASC')])
    return users[0] if users else User(ModelData.get_id('res', 'user_admin'))


def dataset_values(company, service, steward, model):
    return {
        'code': DATASET_CODE,
        'title': "Registre public des permis octroyés",
        'description': "Les permis octroyés par le Collège communal ("
        + identity()['name'] + "), lus en direct dans le registre des permis : référence, "
        "type de procédure, adresse, section, date de décision et objet. "
        "La position est le centre de la section. Aucune donnée "
        "personnelle (demandeur, architecte, agent) n'est publiée.",
        'company': company.id, 'service': service.id,
        'steward': steward.id,
        'contact_name': "Service de l'Urbanisme",
        'contact_email': identity()['email'] or None,
        'keywords': "urbanisme, permis, CoDT, octroi",
        'themes': ['REGI', 'GOVE'],
        'frequency': 'DAILY', 'access_level': 'public',
        'licence': 'CC_BY_4_0', 'personal_data': False,
        'schema': json.dumps(SCHEMA),
        'latitude_field': 'latitude', 'longitude_field': 'longitude',
        'auto_refresh': True,
        'sources': [('create', [{
                        'name': "Registre des permis", 'kind': 'model',
                        'model': model.id, 'owner': steward.id,
                        'model_fields': ','.join(FIELDS)}])],
        }


def layer_values(service, owner, model):
    return {
        'name': "Carte des permis octroyés",
        'code': LAYER_CODE, 'public': True, 'sequence': 60,
        'active': True, 'source': 'model', 'model': model.id,
        'owner': owner.id, 'service': service.id if service else None,
        'longitude_field': 'longitude', 'latitude_field': 'latitude',
        'model_fields': ','.join(
            f for f in FIELDS if f not in {'longitude', 'latitude'}),
        'label_field': 'reference', 'date_field': 'decision_date',
        'geometry_type': 'point', 'colour': '#6a3d9a', 'cluster': True,
        'description': "Les permis octroyés, au centre de leur section, "
        "lus en direct dans le registre (sans données personnelles).",
        }


def grant_demo_file(service, section=None):
    """A permit granted and notified through the workflow, so that the
    dataset has a first row to publish"""
    pool = Pool()
    File = pool.get('permit.file')
    Party = pool.get('party.party')
    Type = pool.get('permit.procedure_type')
    Date = pool.get('ir.date')
    pu, = Type.search([('code', '=', 'PU')])
    party, = Party.create([{'name': "Demandeur de démonstration"}])
    file, = File.create([{
                'company': service.company.id, 'service': service.id,
                'procedure_type': pu.id, 'applicant': party.id,
                'object': "Construction d'une maison unifamiliale",
                'address': identity()['street'] or "Place communale 1",
                'section': section.id if section else None}])
    File.deposit([file])
    File.declare_complete([file])
    File.to_decision([file])
    File.write([file], {'decision': 'granted',
            'decision_date': Date.today()})
    File.notify([file])
    return file


def setup():
    """Create the dataset (published, DPO approval recorded by the run's
    user) and the public layer when missing; idempotent"""
    pool = Pool()
    Model = pool.get('ir.model')
    Service = pool.get('mons.service')
    model, = Model.search([('name', '=', MODEL)])
    services = Service.search([('code', '=', 'URB-PU')], limit=1) \
        or Service.search([], limit=1)
    service = services[0] if services else None
    try:
        Dataset = pool.get('opendata.dataset')
    except KeyError:
        Dataset = None
    if Dataset and service and not Dataset.search(
            [('code', '=', DATASET_CODE)]):
        Publication = pool.get(MODEL)
        if not Publication.search([], limit=1):
            Section = pool.get('mons.section')
            sections = Section.search(
                [('name', '=', identity()['name'])], limit=1)
            grant_demo_file(service, sections[0] if sections else None)
        steward = _user_of('group_data_steward')
        dataset, = Dataset.create([dataset_values(
                    service.company, service, steward, model)])
        Dataset.collect([dataset])
        Dataset.validate_dataset([dataset])
        Dataset.approve([dataset])
        Dataset.publish([dataset])
    try:
        Layer = pool.get('carto.layer')
    except KeyError:
        Layer = None
    if Layer and not Layer.search([('code', '=', LAYER_CODE)]):
        Layer.create([layer_values(service, _user_of('group_gis_editor'),
                    model)])
