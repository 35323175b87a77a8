"Shared set-up of the contacts tests: an organisation, services, users."
from trytond.modules.company.tests import create_company
from trytond.pool import Pool
from trytond.transaction import Transaction


def setup_city():
    """Company, services CULT and TOUR with one agent each, a data steward
    and the sections Mons and Jemappes; returns a dict."""
    pool = Pool()
    Service = pool.get('mons.service')
    Employee = pool.get('company.employee')
    Party = pool.get('party.party')
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Section = pool.get('mons.section')
    Group = pool.get('res.group')

    company = create_company()
    names = ['Agent Culture', 'Agent Tourisme', 'Steward']
    parties = Party.create([{'name': n, 'crm_kind': 'person'} for n in names])
    cult_agent, tour_agent, steward = Employee.create([
            {'party': p.id, 'company': company.id} for p in parties])
    cult, tour = Service.create([
            {'name': "Culture", 'code': 'CULT', 'company': company.id,
                'members': [('add', [cult_agent.id])]},
            {'name': "Tourisme", 'code': 'TOUR', 'company': company.id,
                'members': [('add', [tour_agent.id])]},
            ])
    agent_group = Group(ModelData.get_id('mons_base', 'group_service_agent'))
    steward_group = Group(ModelData.get_id('mons_base', 'group_data_steward'))
    u_cult, u_tour, u_steward = User.create([
            {'login': 'cult', 'name': "Cult",
                'employees': [('add', [cult_agent.id])],
                'employee': cult_agent.id,
                'companies': [('add', [company.id])], 'company': company.id,
                'groups': [('add', [agent_group.id])]},
            {'login': 'tour', 'name': "Tour",
                'employees': [('add', [tour_agent.id])],
                'employee': tour_agent.id,
                'companies': [('add', [company.id])], 'company': company.id,
                'groups': [('add', [agent_group.id])]},
            {'login': 'steward', 'name': "Steward",
                'employees': [('add', [steward.id])],
                'employee': steward.id,
                'companies': [('add', [company.id])], 'company': company.id,
                'groups': [('add', [steward_group.id])]},
            ])
    mons, jemappes, flenu = Section.create([
            {'name': "Mons", 'code': 'MONS', 'postal_code': '7000'},
            {'name': "Jemappes", 'code': 'JEMAPPES', 'postal_code': '7012'},
            {'name': "Flénu", 'code': 'FLENU', 'postal_code': '7012'},
            ])
    return {
        'company': company, 'cult': cult, 'tour': tour,
        'u_cult': u_cult, 'u_tour': u_tour, 'u_steward': u_steward,
        'mons': mons, 'jemappes': jemappes, 'flenu': flenu,
        }


def as_user(user):
    "Context manager acting as a real user with access checks"
    transaction = Transaction()

    class _Ctx:
        def __enter__(self):
            self._user = transaction.set_user(user.id)
            self._user.__enter__()
            self._ctx = transaction.set_context(
                _check_access=True, company=user.company.id
                if user.company else None)
            self._ctx.__enter__()
            return self

        def __exit__(self, *exc):
            self._ctx.__exit__(*exc)
            self._user.__exit__(*exc)
    return _Ctx()


def create_person(first, last, email=None, phone=None, street=None,
        postal_code=None, city=None, **values):
    Party = Pool().get('party.party')
    Country = Pool().get('country.country')
    countries = Country.search([('code', '=', 'BE')])
    if countries:
        country, = countries
    else:
        country, = Country.create([{'name': "Belgique", 'code': 'BE'}])
    mechanisms = []
    if email:
        mechanisms.append({'type': 'email', 'value': email})
    if phone:
        mechanisms.append({'type': 'phone', 'value': phone})
    addresses = []
    if street or postal_code:
        addresses.append({'street_unstructured': street,
                'postal_code': postal_code, 'city': city,
                'country': country.id})
    party, = Party.create([dict({
                    'crm_kind': 'person',
                    'first_name': first, 'last_name': last,
                    'contact_mechanisms': [('create', mechanisms)],
                    'addresses': [('create', addresses)],
                    }, **values)])
    return party


def load_french():
    "Load the French of the module so messages can be checked in French"
    import os
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    po_path = os.path.join(
        os.path.dirname(os.path.dirname(__file__)), 'locale', 'fr.po')
    fr, = Lang.search([('code', '=', 'fr')])
    Lang.write([fr], {'translatable': True})
    Translation.translation_import('fr', 'mons_crm', po_path)
