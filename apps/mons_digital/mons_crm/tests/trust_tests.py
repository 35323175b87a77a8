"""Trust of the contacts: templates in a sandbox, saved filters reading as
their responsible, personal data changed by the owning service only, merge
and erasure by the roles allowed, tried as an attacker would."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .tools import as_user, create_person, load_french, setup_city

ATTACKS = [
    # Walking from the subscription to the class of users
    "${email.list_.create_uid.__class__.search([])}",
    "${email.__class__}",
    "${party.__class__.__mro__}",
    "${party.name.__class__}",
    # Format-string tricks
    '${"{0.__class__}".format(party)}',
    "${'%s' % party}",
    "${greeting|format(party)}",
    "${party|attr('__class__')}",
    # Loops, subscripts, globals, imports, assignments
    "{% for i in range(1000000) %}x{% endfor %}",
    "${party['name']}",
    "${self}",
    "${lipsum()}",
    "${cycler}",
    "{% include 'x' %}",
    "{% set x = party %}",
    "{% macro m() %}{% endmacro %}",
    # Undocumented fields of the documented objects
    "${party.birth_date}",
    "${email.list_}",
    "${sender.password}",
    ]


class TrustTests:

    def _user(self, city, login, groups, service=None, company=None):
        "A user in mons_base groups, member of service"
        pool = Pool()
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        Service = pool.get('mons.service')
        ModelData = pool.get('ir.model.data')
        company = company or city['company']
        party, = Party.create([{'name': login}])
        employee, = Employee.create([{'party': party.id,
                    'company': company.id}])
        if service:
            Service.write([service], {'members': [('add', [employee.id])]})
        user, = User.create([{'login': login, 'name': login,
                    'employees': [('add', [employee.id])],
                    'employee': employee.id,
                    'companies': [('add', [company.id])],
                    'company': company.id,
                    'groups': [('add', [ModelData.get_id('mons_base', g)
                                for g in groups])]}])
        return user

    @with_transaction()
    def test_template_sandbox_refuses_attacks(self):
        "Attribute walks, format strings, loops: refused when saved"
        pool = Pool()
        Template = pool.get('mons.crm.email.template')
        EmailList = pool.get('marketing.email.list')
        Message = pool.get('marketing.email.message')
        load_french()
        city = setup_city()
        list_, = EmailList.create([{'name': "Doudou",
                    'service': city['cult'].id}])
        with Transaction().set_context(language='fr'):
            for content in ATTACKS:
                with self.subTest(content=content):
                    with self.assertRaisesRegex(UserError,
                            "n'est pas (un champ disponible|permis)"):
                        Template.create([{'name': "Piège", 'title': "x",
                                    'content': f'<p>{content}</p>'}])
                    # A message written without a template is checked too
                    with self.assertRaises(UserError):
                        Message.create([{'list_': list_.id, 'title': "x",
                                    'content': f'<p>{content}</p>'}])
            with self.assertRaisesRegex(UserError,
                    r"« \$\{party\.birth_date\} »"):
                Template.create([{'name': "Piège", 'title': "x",
                            'content': '<p>${party.birth_date}</p>'}])
            with self.assertRaisesRegex(UserError, "erreur de syntaxe"):
                Template.create([{'name': "Cassé", 'title': "x",
                            'content': '<p>${greeting</p>'}])

    @with_transaction()
    def test_template_renders_plain_values(self):
        "Documented fields render, escaped; Genshi's $name still works"
        pool = Pool()
        EmailList = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        Message = pool.get('marketing.email.message')
        city = setup_city()
        party = create_person("Jean", "<b>Dupont</b>", civility='mr',
            email='jean@example.be')
        list_, = EmailList.create([{'name': "Doudou", 'description': "Fête",
                    'service': city['cult'].id}])
        sub, = Email.create([{'list_': list_.id, 'contact': party.id}])
        message, = Message.create([{'list_': list_.id, 'title': "x",
                    'content': '<p>${greeting} $first_name ${list.name} '
                    '${sender.name|upper} {% if party %}contact'
                    '{% else %}adresse{% endif %} $$</p>'}])
        _, html = message.render(sub)
        self.assertIn("Monsieur &lt;b&gt;Dupont&lt;/b&gt;,", html)
        self.assertIn(" Jean Doudou CULTURE contact $</p>", html)
        values = message.sandbox_values(sub)
        for value in values.values():
            self.assertIsInstance(value, (str, dict))
        # A comma typed after the greeting is not doubled
        anonymous, = Email.create([{'list_': list_.id,
                    'email': 'info@example.be'}])
        for content in ['<p>${greeting},</p>', '<p>$greeting ,</p>']:
            message.content = content
            message.save()
            _, html = message.render(anonymous)
            self.assertEqual(html, '<p>Madame, Monsieur,</p>')

    @with_transaction()
    def test_personal_fields_whatever_the_kind(self):
        "Changing the kind first does not open another service's contact"
        pool = Pool()
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        Address = pool.get('party.address')
        city = setup_city()
        party = create_person("Hélène", "Dupont", email='helene@example.be',
            street="Rue de Nimy 5", postal_code='7000',
            owner_service=city['cult'].id)
        organisation, = Party.create([{'name': "Club",
                    'crm_kind': 'organisation',
                    'owner_service': city['cult'].id,
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'club@example.be'}])]}])
        with as_user(city['u_tour']):
            for record in [party, organisation]:
                record = Party(record.id)
                with self.assertRaises(UserError):
                    Party.write([record], {'crm_kind': 'organisation'})
                with self.assertRaises(UserError):
                    Mechanism.write(list(record.contact_mechanisms),
                        {'value': 'pirate@example.be'})
                with self.assertRaises(UserError):
                    Party.write([record], {'contact_mechanisms': [
                                ('create', [{'type': 'email',
                                            'value': 'pirate@example.be'}])]})
                with self.assertRaises(UserError):
                    Party.write([record], {'active': False})
                with self.assertRaises(UserError):
                    Party.delete([record])
            with self.assertRaises(UserError):
                Address.write(list(Party(party.id).addresses),
                    {'street_unstructured': "Ailleurs 1"})
            with self.assertRaises(UserError):
                Party.write([Party(party.id)], {'identifiers': [
                            ('create', [{'type': None,
                                        'code': 'BE0123456789'}])]})
            with self.assertRaises(UserError):
                Party.write([Party(party.id)], {'code': 'PIRATE'})
            # Notes are not personal data
            Party.write([Party(organisation.id)], {'crm_notes': "Vu"})
        with as_user(city['u_steward']):
            Mechanism.write(list(Party(organisation.id).contact_mechanisms),
                {'value': 'info@club.be'})

    @with_transaction()
    def test_merge_rights(self):
        "Steward, DPO, managers of the service merge; agents do not"
        pool = Pool()
        Duplicate = pool.get('party.duplicate')
        Party = pool.get('party.party')
        city = setup_city()
        manager_cult = self._user(city, 'chef_cult', ['group_service_manager',
                'group_service_agent'], city['cult'])
        dpo = self._user(city, 'dpo', ['group_dpo'])
        pairs = []
        for owner in ['cult', 'tour', 'cult']:
            a = create_person("Jean", "Dupont", phone='+32470123456',
                owner_service=city[owner].id)
            b = create_person("JEAN", "DUPONT", phone='+32 470 12 34 56',
                owner_service=city['cult'].id)
            pair, = Duplicate.create([{'party_a': a.id, 'party_b': b.id}])
            pairs.append(pair)
        cult_pair, mixed_pair, third = pairs
        with as_user(city['u_cult']):
            with self.assertRaises(UserError):
                Duplicate.merge([Duplicate(cult_pair.id)])
        with as_user(manager_cult):
            with self.assertRaises(AccessError):
                Duplicate.merge([Duplicate(mixed_pair.id)])
            Duplicate.merge([Duplicate(cult_pair.id)])
        self.assertEqual(Duplicate(cult_pair.id).state, 'merged')
        self.assertFalse(Party(cult_pair.party_b.id).active)
        with as_user(dpo):
            Duplicate.merge([Duplicate(mixed_pair.id)])
        with as_user(city['u_steward']):
            Duplicate.merge([Duplicate(third.id)])
        self.assertEqual({Duplicate(p.id).state for p in pairs}, {'merged'})

    @with_transaction()
    def test_erase_everywhere(self):
        "The DPO erases: copies gone, consents withdrawn; agents cannot"
        pool = Pool()
        Party = pool.get('party.party')
        EmailList = pool.get('marketing.email.list')
        Email = pool.get('marketing.email')
        Consent = pool.get('mons.crm.consent')
        Message = pool.get('marketing.email.message')
        Recipient = pool.get('marketing.email.message.recipient')
        Duplicate = pool.get('party.duplicate')
        city = setup_city()
        dpo = self._user(city, 'dpo', ['group_dpo'])
        party = create_person("Léa", "Durant", email='lea@example.be',
            phone='+32470999999', owner_service=city['cult'].id,
            birth_date=dt.date(1990, 5, 1))
        twin = create_person("Lea", "Durant", phone='+32 470 99 99 99')
        list_, = EmailList.create([{'name': "Culture",
                    'service': city['cult'].id}])
        sub, = Email.create([{'list_': list_.id, 'contact': party.id}])
        message, = Message.create([{'list_': list_.id, 'title': "x",
                    'content': '<p>${greeting}</p>'}])
        Recipient.create([{'message': message.id, 'email': sub.id,
                    'address': 'lea@example.be', 'party': party.id}])
        Duplicate.create([{'party_a': party.id, 'party_b': twin.id}])
        WebUser = pool.get('web.user')
        account, = WebUser.create([{'email': 'lea@example.be',
                    'party': party.id}])
        for user in [city['u_cult'], city['u_tour']]:
            with as_user(user):
                with self.assertRaises(UserError):
                    Party.erase_personal_data([Party(party.id)])
        with as_user(dpo):
            Party.erase_personal_data([Party(party.id)])
        party = Party(party.id)
        self.assertFalse(party.active)
        self.assertIsNone(party.name)
        self.assertIsNone(party.birth_date)
        self.assertFalse(Party.search([('rec_name', 'ilike', '%Durant%'),
                    ('active', 'in', [True, False]), ('id', '=', party.id)]))
        consents = Consent.search([('party', '=', party.id)])
        self.assertTrue(consents)
        self.assertEqual({c.state for c in consents}, {'withdrawn'})
        self.assertTrue(all(c.withdrawn_at for c in consents))
        self.assertEqual({c.email for c in consents}, {'****'})
        self.assertEqual([r.address for r in Recipient.search([])], ['****'])
        self.assertFalse(Email.search([('email', '=', 'lea@example.be'),
                    ('active', 'in', [True, False])]))
        self.assertFalse(Duplicate.search([]))
        account = WebUser(account.id)
        self.assertFalse(account.active)
        self.assertIsNone(account.email)

    @with_transaction()
    def test_saved_filter_reads_as_its_responsible(self):
        "Owner set to who defines it; secrets never reachable"
        pool = Pool()
        EmailList = pool.get('marketing.email.list')
        User = pool.get('res.user')
        load_french()
        city = setup_city()
        create_person("Jan", "Peeters", email='jan@example.be',
            language='nl')
        admin, = User.search([('login', '=', 'admin')])
        with as_user(city['u_cult']):
            list_, = EmailList.create([{'name': "NL",
                        'service': city['cult'].id,
                        'filter_domain': '[["language", "=", "nl"]]'}])
            self.assertEqual(list_.filter_owner, city['u_cult'])
            with self.assertRaises(UserError):
                EmailList.write([list_], {'filter_owner': admin.id})
            with Transaction().set_context(language='fr'):
                for domain in [
                        '[["create_uid.applications.key", "like", "a%"]]',
                        '[["create_uid", "=", 1]]',
                        '[["contact_mechanisms", "where", '
                        '[["create_uid.password_hash", "!=", null]]]]',
                        '[["categories.parent.create_uid.login", "=", '
                        '"admin"]]',
                        '[["id", "in", [1, 2]], ["relations.to.write_uid'
                        '.applications.key", "!=", null]]',
                        '["not json"',
                        '{"a": 1}',
                        ]:
                    with self.subTest(domain=domain):
                        with self.assertRaisesRegex(UserError,
                                "ne peut pas utiliser"):
                            EmailList.write([list_],
                                {'filter_domain': domain})
            # A refused write rolls back over RPC, not inside this test
            EmailList.write([list_],
                {'filter_domain': '[["language", "=", "nl"]]'})
            EmailList.build_from_filters([list_])
            self.assertEqual([e.email for e in EmailList(list_.id).emails],
                ['jan@example.be'])
        # Another user who changes the filter becomes its responsible
        EmailList.write([list_], {'shared_services': [
                    ('add', [city['tour'].id])]})
        with as_user(city['u_tour']):
            EmailList.write([EmailList(list_.id)],
                {'filter_languages': ['nl']})
        self.assertEqual(EmailList(list_.id).filter_owner, city['u_tour'])
        # An inactive responsible reads nothing
        User.write([city['u_tour']], {'active': False})
        with self.assertRaises(UserError):
            EmailList.build_from_filters([EmailList(list_.id)])

    @with_transaction()
    def test_templates_apart_by_organisation(self):
        "The CPAS does not read nor change the City's templates"
        pool = Pool()
        Template = pool.get('mons.crm.email.template')
        Service = pool.get('mons.service')
        from trytond.modules.company.tests import create_company
        city = setup_city()
        cpas_company = create_company(name="CPAS de Mons")
        social, = Service.create([{'name': "Social", 'code': 'SOC',
                    'company': cpas_company.id}])
        cpas_user = self._user(city, 'cpas', ['group_service_agent'], social,
            company=cpas_company)
        culture, = Template.create([{'name': "Culture", 'title': "x",
                    'service': city['cult'].id, 'content': '<p>x</p>'}])
        social_template, = Template.create([{'name': "Social",
                    'title': "x", 'service': social.id,
                    'content': '<p>x</p>'}])
        with as_user(cpas_user):
            self.assertEqual(Template.search([]), [social_template])
            with self.assertRaises(AccessError):
                Template.write([Template(culture.id)], {'title': "y"})
        with as_user(city['u_tour']):
            self.assertEqual(Template.search([]), [culture])
