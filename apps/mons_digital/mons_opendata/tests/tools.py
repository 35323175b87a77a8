"Fixtures shared by the open-data tests."
import json

from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool

TOILETS_SCHEMA = {
    'fields': [
        {'name': 'nom', 'type': 'string', 'constraints': {'required': True}},
        {'name': 'adresse', 'type': 'string'},
        {'name': 'section', 'type': 'string'},
        {'name': 'places', 'type': 'integer',
            'constraints': {'minimum': 0}},
        {'name': 'pmr', 'type': 'boolean'},
        {'name': 'ouverture', 'type': 'date'},
        {'name': 'longitude', 'type': 'number'},
        {'name': 'latitude', 'type': 'number'},
        ],
    'primaryKey': ['nom'],
    }

# Lambert 72 coordinates around the Grand-Place of Mons
TOILETS_CSV = (
    "Nom ; Adresse;section;places;PMR;ouverture;x;y;gestionnaire\n"
    "Grand-Place ;Grand-Place 22;Mons;2;oui;01/03/2020;119695.3;125486.7;Dupont\n"
    "Gare;Place Léopold;Mons;3;non;15/06/2021;118950.0;125900.0;Martin\n"
    "Jemappes centre;Rue de la Station 1;Jemappes;1;Oui;2019-05-02;116800;126900;Durant\n"
    ).encode('utf-8')


def setup_org():
    "Return (company, service, users by role)"
    pool = Pool()
    Service = pool.get('mons.service')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    company = create_company()
    service, = Service.create([{
                'name': "Cellule données", 'code': 'INFO-DATA',
                'kind': 'cell', 'company': company.id,
                'email': 'data@mons.be'}])
    other, = Service.create([{
                'name': "Culture", 'code': 'CULT',
                'kind': 'department', 'company': company.id}])
    users = {}
    for login, groups in [
            ('steward', ['group_employee', 'group_data_steward']),
            ('dpo', ['group_employee', 'group_dpo']),
            ('employee', ['group_employee']),
            ]:
        users[login], = User.create([{
                    'login': login, 'name': login,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [ModelData.get_id('mons_base', g)
                                for g in groups])],
                    }])
    open_to_visitors([company])
    return company, service, other, users


def open_to_visitors(companies):
    """The anonymous visitor reads the public records of every
    organisation, as a site's reference data set it up"""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    anonymous = User(ModelData.get_id('mons_base', 'user_anonymous'))
    User.write([anonymous], {
            'companies': [('add', [c.id for c in companies])],
            'company': companies[0].id,
            'company_filter': 'all',
            })


def create_toilets(company, service, code='toilettes', access='public',
        data=TOILETS_CSV, **values):
    pool = Pool()
    Dataset = pool.get('opendata.dataset')
    with set_company(company):
        dataset, = Dataset.create([{
                    'code': code,
                    'title': "Toilettes publiques",
                    'description': "Les toilettes publiques gérées par la "
                    "Ville de Mons, avec leur adresse, leur accessibilité "
                    "et leur position.",
                    'company': company.id,
                    'service': service.id,
                    'access_level': access,
                    'frequency': 'ANNUAL',
                    'keywords': 'toilettes, sanitaires',
                    'themes': ['SOCI', 'REGI'],
                    'contact_email': 'data@mons.be',
                    'schema': json.dumps(TOILETS_SCHEMA),
                    'personal_data': True,
                    'personal_fields': 'gestionnaire',
                    'sources': [('create', [{
                                    'name': "Inventaire", 'kind': 'file',
                                    'file': data,
                                    'file_name': 'toilettes.csv',
                                    }])],
                    'steps': [('create', [
                                {'kind': 'trim', 'fields_': '*'},
                                {'kind': 'rename',
                                    'fields_': 'Nom,Adresse,PMR',
                                    'new_name': 'nom,adresse,pmr'},
                                {'kind': 'cast', 'fields_': 'pmr',
                                    'cast_type': 'boolean'},
                                {'kind': 'cast', 'fields_': 'ouverture',
                                    'cast_type': 'date'},
                                {'kind': 'map', 'fields_': 'section',
                                    'mapping': '{"Mons": "Mons-centre"}'},
                                {'kind': 'lambert', 'fields_': 'x,y',
                                    'crs': '31370'},
                                {'kind': 'drop', 'fields_': 'x,y'},
                                {'kind': 'drop', 'fields_': 'gestionnaire'},
                                ])],
                    **values}])
    return dataset


def publish(dataset):
    "Collect, validate, approve and publish as admin"
    pool = Pool()
    Dataset = pool.get('opendata.dataset')
    Dataset.collect([dataset])
    Dataset.validate_dataset([dataset])
    if dataset.access_level == 'public':
        Dataset.approve([dataset])
    Dataset.publish([dataset])
    return dataset
