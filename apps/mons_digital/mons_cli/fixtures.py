"""Reference data of a site (not demo): the organisations, the services, the
territorial sections and the public holidays of its municipality, read from
the site's reference folder (reference.py). Loaded by `mons update`, keyed
by code so that a second load updates instead of duplicating."""
import datetime as dt
from decimal import Decimal

import holidays as holidays_lib
from dateutil.easter import easter

from . import reference


def _read(site, name):
    "The checked rows of one reference file of the site"
    return reference.read(site.reference_folder)[name]


def load_reference(site, pool):
    data = reference.read(site.reference_folder)
    countries = load_countries(pool)
    currency = load_currency(pool)
    companies = load_organisations(data['organisations'], pool,
        countries['BE'], currency, site.reference_folder)
    load_municipality(data['municipality'], pool, companies)
    load_services(data['services'], pool, companies)
    load_sections(data['sections'], pool)
    load_holidays(data['holidays'], pool)
    open_to_visitors(pool, companies)
    close_config_wizard(pool)
    return companies


def open_to_visitors(pool, companies):
    """The anonymous visitor (mons_base.user_anonymous) belongs to every
    organisation, so that record rules by organisation let it read what
    the group Public may read of each (their public datasets, layers…)"""
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    anonymous = User(ModelData.get_id('mons_base', 'user_anonymous'))
    ids = sorted(c.id for c in companies.values())
    if not ids:
        return
    User.write([anonymous], {
            'companies': [('add', ids)],
            'company': anonymous.company.id if anonymous.company else ids[0],
            'company_filter': 'all',
            })


def close_config_wizard(pool):
    "What the first-login wizard asks (organisation, users) is set up here"
    Item = pool.get('ir.module.config_wizard.item')
    Item.write(Item.search([('state', '=', 'open')]), {'state': 'done'})


def load_countries(pool):
    Country = pool.get('country.country')
    wanted = {'BE': 'Belgique', 'FR': 'France', 'NL': 'Pays-Bas',
        'LU': 'Luxembourg', 'DE': 'Allemagne'}
    existing = {c.code: c for c in Country.search([('code', 'in', wanted)])}
    missing = [{'code': code, 'name': name} for code, name in wanted.items()
        if code not in existing]
    for country in Country.create(missing):
        existing[country.code] = country
    return existing


def load_currency(pool):
    Currency = pool.get('currency.currency')
    currency = Currency.search([('code', '=', 'EUR')])
    if currency:
        return currency[0]
    currency, = Currency.create([{'code': 'EUR', 'name': 'Euro',
                'symbol': '€', 'numeric_code': '978', 'rounding': Decimal('0.01'),
                'digits': 2}])
    return currency


def load_organisations(organisations, pool, belgium, currency,
        folder=None):
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    companies = {}
    for org in organisations:
        parties = Party.search([('name', '=', org['name'])])
        if parties:
            party = parties[0]
            update_party(party, org, pool)
        else:
            party, = Party.create([{
                        'name': org['name'],
                        'addresses': [('create', [{
                                        'street': org['street'],
                                        'postal_code': org['postal_code'],
                                        'city': org['city'],
                                        'country': belgium.id}])],
                        'contact_mechanisms': [('create', [
                                    {'type': type_, 'value': org[key]}
                                    for type_, key in [('email', 'email'),
                                        ('phone', 'phone'),
                                        ('website', 'website')]
                                    if org.get(key)])],
                        'identifiers': [('create', [
                                    enterprise_identifier(org['enterprise'])])]
                        if org.get('enterprise') else [],
                        }])
        company = Company.search([('party', '=', party.id)])
        if company:
            companies[org['code']] = company[0]
        else:
            companies[org['code']], = Company.create([{
                        'party': party.id, 'currency': currency.id,
                        'timezone': 'Europe/Brussels'}])
        if folder and org.get('logo'):
            logo = (folder / org['logo']).read_bytes()
            if companies[org['code']].logo != logo:
                Company.write([companies[org['code']]], {'logo': logo})
    return companies


def enterprise_identifier(number):
    "The enterprise (BCE) number, typed when its check digits are right"
    from trytond.modules.mons_base.enterprise import identifier_type
    return {'type': identifier_type(number), 'code': number}


def update_party(party, org, pool):
    """The organisation's address, contacts and enterprise number as the
    reference now says (a municipality moves, changes its phone…)"""
    Address = pool.get('party.address')
    Mechanism = pool.get('party.contact_mechanism')
    Identifier = pool.get('party.identifier')
    address = party.addresses[0] if party.addresses else None
    wanted = {'street': org['street'], 'postal_code': org['postal_code'],
        'city': org['city']}
    if address and any(getattr(address, k) != v for k, v in wanted.items()):
        Address.write([address], wanted)
    for type_ in ('email', 'phone', 'website'):
        value = org.get(type_)
        mechanisms = [m for m in party.contact_mechanisms if m.type == type_]
        if value and not mechanisms:
            Mechanism.create([{'party': party.id, 'type': type_,
                        'value': value}])
        elif value and mechanisms[0].value_compact != Mechanism(
                type=type_, value=value).format_value_compact(
                    value=value, type_=type_):
            Mechanism.write([mechanisms[0]], {'value': value})
    if org.get('enterprise') and not party.identifiers:
        Identifier.create([{'party': party.id,
                    **enterprise_identifier(org['enterprise'])}])


def load_municipality(values, pool, companies):
    """Who the local authority is (mons.municipality), and the suite's
    top menu named after its main organisation"""
    Municipality = pool.get('mons.municipality')
    main = companies[values['organisation']]
    wanted = {'organisation': main.id,
        **{k: values.get(k) or None for k in ('name', 'nis', 'catalogue_title')},
        **{k: values[k] for k in ('portal_name', 'colour', 'colour_dark')
            if values.get(k)}}
    municipality = Municipality.get_singleton()
    if municipality is None:
        Municipality.create([wanted])
    elif any((getattr(municipality, k).id if k == 'organisation'
                and getattr(municipality, k) else getattr(municipality, k))
            != v for k, v in wanted.items()):
        Municipality.write([municipality], wanted)
    Menu = pool.get('ir.ui.menu')
    ModelData = pool.get('ir.model.data')
    Lang = pool.get('ir.lang')
    from trytond.transaction import Transaction
    menu = Menu(ModelData.get_id('mons_base', 'menu_mons'))
    codes = {'en'} | {l.code for l in Lang.search(
            [('translatable', '=', True)])}
    for code in sorted(codes):
        with Transaction().set_context(language=code):
            if Menu(menu.id).name != main.party.name:
                Menu.write([menu], {'name': main.party.name})


def load_services(services, pool, companies):
    Service = pool.get('mons.service')
    existing = {s.code: s for s in Service.search(
            [('active', 'in', [True, False])])}
    for row in services:
        values = {'name': row['name'], 'kind': row['kind'],
            'company': companies[row['org']].id}
        if row.get('parent'):
            values['parent'] = existing[row['parent']].id
        if row['code'] in existing:
            service = existing[row['code']]
            if any(getattr(service, k) != v if not hasattr(
                        getattr(service, k), 'id')
                    else getattr(service, k).id != v
                    for k, v in values.items()):
                Service.write([service], values)
        else:
            existing[row['code']], = Service.create(
                [{'code': row['code'], **values}])
    return existing


def load_sections(sections, pool):
    "Created, or changed where the reference changed"
    Section = pool.get('mons.section')
    existing = {s.code: s for s in Section.search([])}
    to_create, to_write = [], []
    for row in sections:
        section = existing.get(row['code'])
        if section is None:
            to_create.append(row)
        elif any(getattr(section, k) != v for k, v in row.items()):
            to_write.extend([[section], row])
    if to_create:
        Section.create(to_create)
    if to_write:
        Section.write(*to_write)


def holiday_rows(site, today=None, config=None):
    "(date, name, kind) of the holidays around today"
    config = config or _read(site, 'holidays')
    year = (today or dt.date.today()).year
    years = range(year - config['years_before'],
        year + config['years_after'] + 1)
    rows = {}
    for date, name in holidays_lib.country_holidays(
            'BE', years=years, language='fr').items():
        rows[date] = (name, 'legal')
    for year in years:
        for row in config['regulatory']:
            date = dt.date(year, row['month'], row['day'])
            rows.setdefault(date, (row['name'], 'regulatory'))
        for row in config['local']:
            date = easter(year) + dt.timedelta(days=row['easter_offset'])
            rows.setdefault(date, (row['name'], 'local'))
    return sorted((d, n, k) for d, (n, k) in rows.items())


def load_holidays(config, pool):
    Holiday = pool.get('mons.holiday')
    rows = holiday_rows(None, config=config)
    existing = {h.date for h in Holiday.search([
                ('company', '=', None),
                ('date', '>=', rows[0][0]), ('date', '<=', rows[-1][0])])}
    Holiday.create([{'date': d, 'name': n, 'kind': k}
            for d, n, k in rows if d not in existing])
