import datetime as dt
import functools
import io
import os
import tempfile
from contextlib import contextmanager
from email.message import EmailMessage

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, create_employee, set_company)
from trytond.pool import Pool
from trytond.sendmail import SMTPDataManager
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from trytond.modules.mons_base.tests import (
    DeskViewsTestMixin, FrenchTranslationTestMixin)
from trytond.modules.mons_mail.trusted import trusted

YEAR = dt.date.today().year


def group(name):
    return Pool().get('ir.model.data').get_id('mons_base', f'group_{name}')


class Setup:
    "A small organisation: two services, one mail office, users by role"

    def __init__(self):
        pool = Pool()
        Service = pool.get('mons.service')
        User = pool.get('res.user')
        Party = pool.get('party.party')
        self.company = company = create_company()
        self.ctx = set_company(company)
        self.ctx.__enter__()
        emp = {n: create_employee(company, n) for n in [
                'Courrier', 'Agent', 'Chef', 'Autre', 'Directeur']}
        self.emp = emp
        self.dg, = Service.create([{'name': "Direction", 'code': 'DG',
                    'kind': 'direction', 'company': company.id,
                    'manager': emp['Directeur'].id}])
        self.cour, self.cult, self.trav = Service.create([
                {'name': "Courrier", 'code': 'COUR', 'company': company.id,
                    'parent': self.dg.id,
                    'members': [('add', [emp['Courrier'].id])]},
                {'name': "Culture", 'code': 'CULT', 'company': company.id,
                    'manager': emp['Chef'].id,
                    'email': 'culture@mons.test',
                    'members': [('add', [emp['Agent'].id])]},
                {'name': "Travaux", 'code': 'TRAV', 'company': company.id,
                    'members': [('add', [emp['Autre'].id])]},
                ])

        def user(login, employee, groups):
            u, = User.create([{
                        'name': login, 'login': login,
                        'email': f'{login}@mons.test',
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        'groups': [('add', [group(g) for g in
                                    ['employee', *groups]])],
                        }])
            return u
        self.courrier = user('courrier', emp['Courrier'], ['mail_office'])
        self.agent = user('agent', emp['Agent'], ['service_agent'])
        self.chef = user('chef', emp['Chef'], ['service_manager'])
        self.autre = user('autre', emp['Autre'], ['service_agent'])
        self.direction = user('direction', emp['Directeur'], ['direction'])
        self.sender, = Party.create([{'name': "Jean Dupont",
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': 'jean@example.be'}])]}])

    def close(self):
        self.ctx.__exit__(None, None, None)

    @contextmanager
    def as_user(self, user):
        with Transaction().set_user(user.id), \
                Transaction().set_context(_check_access=True,
                    company=self.company.id,
                    companies=[self.company.id]):
            yield

    def item(self, **values):
        Item = Pool().get('mail.item')
        values.setdefault('party', self.sender.id)
        values.setdefault('subject', "Demande de subside")
        values.setdefault('company', self.company.id)
        item, = Item.create([values])
        return item


def pdf_with_text(text):
    "A one-page PDF whose text layer carries the given text"
    import weasyprint
    return weasyprint.HTML(string=f'<p>{text}</p>').write_pdf()


def pdf_with_barcode(number):
    from trytond.modules.mons_mail.report import code128_svg
    import weasyprint
    svg = code128_svg(number, module_width=0.5, module_height=20)
    html = ('<html><body style="margin:20mm">'
        f'<div style="width:120mm">{svg}</div></body></html>')
    return weasyprint.HTML(string=html).write_pdf()


def with_setup(func):
    "Run the test in a transaction with the Setup organisation"
    @functools.wraps(func)
    def wrapper(self):
        load_french()
        s = Setup()
        try:
            return func(self, s)
        finally:
            s.close()
    return with_transaction()(wrapper)


def load_french():
    "Load the French of the module so messages can be checked in French"
    pool = Pool()
    Lang = pool.get('ir.lang')
    Translation = pool.get('ir.translation')
    import importlib
    fr, = Lang.search([('code', '=', 'fr')])
    Lang.write([fr], {'translatable': True})
    # mons_base's too: the limits of uploads are told by it
    for module in ['mons_base', 'mons_mail']:
        module_file = importlib.import_module(
            f'trytond.modules.{module}').__file__
        po_path = os.path.join(
            os.path.dirname(module_file), 'locale', 'fr.po')
        if os.path.exists(po_path):
            Translation.translation_import('fr', module, po_path)


class MonsMailTestCase(
        DeskViewsTestMixin, FrenchTranslationTestMixin, CompanyTestMixin,
        ModuleTestCase):
    "Test mons_mail module"
    module = 'mons_mail'

    @property
    def _skip_company_rule(self):
        # Yearly sequences are only read and written by the server as root;
        # services (extended here with their validation setting) are the
        # organisation chart every staff user reads (see mons_base)
        return super()._skip_company_rule | {
            ('mail.sequence.year', 'company'), ('mons.service', 'company')}

    # Registration ---------------------------------------------------------

    @with_setup
    def test_register_numbers_per_direction_gapless(self, s):
        Item = Pool().get('mail.item')
        incoming = [s.item() for _ in range(3)]
        outgoing = [s.item(direction='outgoing') for _ in range(2)]
        with s.as_user(s.courrier):
            Item.register(Item.browse(incoming + outgoing))
        numbers = [i.number for i in Item.browse(incoming)]
        self.assertEqual(numbers, [
                f'E/{YEAR}/000001', f'E/{YEAR}/000002', f'E/{YEAR}/000003'])
        self.assertEqual([i.number for i in Item.browse(outgoing)],
            [f'S/{YEAR}/000001', f'S/{YEAR}/000002'])
        self.assertEqual(
            Item.search([('text', 'ilike', numbers[1].lower())]),
            [Item(incoming[1])])
        self.assertEqual(
            Item.search([('text', 'ilike', f'%{numbers[2]}%')]),
            [Item(incoming[2])])
        item = Item(incoming[0])
        self.assertEqual(item.state, 'registered')
        self.assertEqual(item.registered_by, s.courrier)
        self.assertEqual(item.history[0].action, 'register')
        self.assertEqual(item.history[0].user, s.courrier)
        # Due date: 15 working days (default) after the reception date
        Holiday = Pool().get('mons.holiday')
        self.assertEqual(item.due_date, Holiday.add_working_days(
                item.reception_date, 15, s.company))

    @with_setup
    def test_register_bad_input_in_french(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        no_party = s.item(party=None)
        no_subject = s.item(subject='  ')
        with Transaction().set_context(language='fr'):
            with self.assertRaisesRegex(UserError, "expéditeur"):
                Item.register([no_party])
            with self.assertRaisesRegex(UserError, "objet"):
                Item.register([no_subject])
            good = s.item()
            Item.register([good])
            number = good.number
            with self.assertRaisesRegex(
                    UserError, "déjà enregistré.*" + number):
                Item.register([good])
            with self.assertRaisesRegex(UserError, "numéro"):
                Item.write([good], {'number': 'E/1999/000001'})
            with self.assertRaisesRegex(UserError, "supprimé"):
                Item.delete([good])
            with self.assertRaisesRegex(UserError, "«Prendre en charge».*"
                    "non permise|n'est pas permise"):
                Item.take([good])
            with self.assertRaisesRegex(UserError, "ZZ.99"):
                Item.write([good], {'classification_code': 'ZZ.99'})
        self.assertEqual(Item(good.id).number, number)
        self.assertEqual(Item(good.id).state, 'registered')

    @with_setup
    def test_yearly_sequence(self, s):
        pool = Pool()
        YearSequence = pool.get('mail.sequence.year')
        seq_2025 = YearSequence.get_sequence(s.company, 'incoming', 2025)
        seq_2026 = YearSequence.get_sequence(s.company, 'incoming', 2026)
        self.assertNotEqual(seq_2025, seq_2026)
        self.assertEqual(
            YearSequence.get_sequence(s.company, 'incoming', 2025), seq_2025)
        with Transaction().set_context(date=dt.date(2025, 3, 1)):
            self.assertEqual(seq_2025.get(), 'E/2025/000001')
        with Transaction().set_context(date=dt.date(2026, 1, 2)):
            self.assertEqual(seq_2026.get(), 'E/2026/000001')

    @with_setup
    def test_classification_code(self, s):
        pool = Pool()
        Classification = pool.get('mail.classification')
        Item = pool.get('mail.item')
        root, = Classification.create([{'code': '1', 'name': "Administration",
                    'children': [('create', [{'code': '1.8',
                                    'name': "Culture"}])]}])
        item = s.item(classification_code='1.8')
        self.assertEqual(item.classification.parent, root)
        self.assertEqual(item.classification_code, '1.8')
        self.assertEqual(
            Item.search([('classification', 'child_of', [root.id], 'parent')]), [item])

    # Workflow -------------------------------------------------------------

    @with_setup
    def test_workflow_with_history(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        item = s.item()
        with s.as_user(s.courrier):
            item = Item(item.id)
            Item.register([item])
            Item.write([item], {'service': s.cult.id,
                    'copy_services': [('add', [s.trav.id])]})
            Item.assign([item], comment="Pour suite voulue")
        with s.as_user(s.agent):
            item = Item(item.id)
            Item.take([item])
            item = Item(item.id)
            self.assertEqual(item.state, 'in_treatment')
            self.assertEqual(item.agent, s.emp['Agent'])
            Item.transfer([item], service=s.trav.id, comment="Pas pour nous")
        item = Item(item.id)
        self.assertEqual(item.service, s.trav)
        self.assertEqual(item.state, 'assigned')
        self.assertIsNone(item.agent)
        with s.as_user(s.autre):
            item = Item(item.id)
            Item.return_to_office([item])
        with s.as_user(s.courrier):
            item = Item(item.id)
            self.assertEqual(item.state, 'registered')
            Item.assign([item], service=s.cult.id)
        with s.as_user(s.chef):
            item = Item(item.id)
            Item.write([item], {'agent': s.emp['Agent'].id})
        with s.as_user(s.agent):
            item = Item(item.id)
            Item.take([item])
            Item.answer([item])
            Item.close([item])
        with s.as_user(s.chef):
            Item.reopen([Item(item.id)])
        item = Item(item.id)
        self.assertEqual(item.state, 'in_treatment')
        actions = [(h.action, h.from_state, h.to_state, h.user.login)
            for h in reversed(item.history)]
        self.assertEqual(actions, [
                ('register', 'draft', 'registered', 'courrier'),
                ('service', 'registered', 'registered', 'courrier'),
                ('copies', 'registered', 'registered', 'courrier'),
                ('assign', 'registered', 'assigned', 'courrier'),
                ('take', 'assigned', 'in_treatment', 'agent'),
                ('agent', 'assigned', 'assigned', 'agent'),
                ('transfer', 'in_treatment', 'assigned', 'agent'),
                ('return_to_office', 'assigned', 'registered', 'autre'),
                ('service', 'registered', 'registered', 'courrier'),
                ('assign', 'registered', 'assigned', 'courrier'),
                ('agent', 'assigned', 'assigned', 'chef'),
                ('take', 'assigned', 'in_treatment', 'agent'),
                ('answer', 'in_treatment', 'answered', 'agent'),
                ('close', 'answered', 'closed', 'agent'),
                ('reopen', 'closed', 'in_treatment', 'chef'),
                ])
        register = [h for h in item.history if h.action == 'register'][0]
        self.assertEqual((register.old_value, register.new_value),
            (None, item.number))
        copies = [h for h in item.history if h.action == 'copies'][0]
        self.assertEqual((copies.old_value, copies.new_value),
            ('-', s.trav.rec_name))
        transfer = [h for h in item.history if h.action == 'transfer'][0]
        self.assertEqual(transfer.from_service, s.cult)
        self.assertEqual(transfer.to_service, s.trav)
        self.assertEqual(transfer.comment, "Pas pour nous")

    @with_setup
    def test_button_rights_by_group(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        item = s.item(service=s.cult.id)
        Item.register([item])
        # An agent cannot assign: that is the mail office's job
        with s.as_user(s.agent), self.assertRaises(AccessButtonError):
            Item.assign([Item(item.id)])
        # An agent of another service cannot transfer or close it
        with s.as_user(s.courrier):
            Item.assign([Item(item.id)])
        with s.as_user(s.autre), self.assertRaises(AccessError):
            Item.close([Item(item.id)])
        with s.as_user(s.agent), self.assertRaises(AccessButtonError):
            Item.reopen([Item(item.id)])

    @with_setup
    def test_due_date_change_needs_reason(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        Type = pool.get('mail.type')
        Holiday = pool.get('mons.holiday')
        urgent, = Type.create([{'name': "Urgent", 'code': 'URG',
                    'delay': 2}])
        # Thursday 24/12/2026 + 2 working days, Christmas is a holiday
        Holiday.create([{'date': dt.date(2026, 12, 25), 'name': "Noël"}])
        item = s.item(type=urgent.id, reception_date=dt.date(2026, 12, 24),
            service=s.cult.id)
        Item.register([item])
        self.assertEqual(item.due_date, dt.date(2026, 12, 29))
        with Transaction().set_context(language='fr'):
            with self.assertRaisesRegex(UserError, "motif"):
                Item.write([item], {'due_date': dt.date(2027, 1, 15)})
        Item.write([item], {'due_date': dt.date(2027, 1, 15),
                'due_date_reason': "Avis du juriste attendu"})
        self.assertEqual(item.due_date, dt.date(2027, 1, 15))
        self.assertIn("Avis du juriste attendu", item.history[0].comment)

    # Security -------------------------------------------------------------

    @with_setup
    def test_confidential_item_only_for_its_services(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        Attachment = pool.get('ir.attachment')
        History = pool.get('mail.item.history')
        secret = s.item(subject="Plainte confidentielle", confidential=True,
            service=s.cult.id, keywords="harcèlement")
        public = s.item(subject="Invitation", service=s.cult.id)
        Item.register([secret, public])
        Item.assign([secret, public])
        attachment, = Attachment.create([{
                    'resource': str(secret), 'name': 'plainte.pdf',
                    'data': pdf_with_text("Plainte harcelement")}])
        for user in [s.agent, s.chef, s.courrier, s.direction]:
            with s.as_user(user):
                self.assertEqual(
                    Item.search([('text', 'ilike', 'harcelement')]),
                    [secret], user.login)
                Item.read([secret.id], ['subject'])
                Attachment.read([attachment.id], ['data'])
        with s.as_user(s.autre):
            # Another service's letters are not the whole staff's
            self.assertEqual(Item.search([]), [])
            self.assertEqual(
                Item.search([('text', 'ilike', 'plainte')]), [])
            self.assertEqual(Item.search_count(
                    [('subject', 'ilike', '%Plainte%')]), 0)
            with self.assertRaises(AccessError):
                Item.read([secret.id], ['subject'])
            with self.assertRaises(AccessError):
                Attachment.read([attachment.id], ['data'])
            self.assertEqual(Attachment.search(
                    [('resource', '=', str(secret))]), [])
            with self.assertRaises(AccessError):
                Item.write([Item(secret.id)], {'subject': "x"})
            self.assertEqual(History.search([('item', '=', secret.id)]), [])
            # Cannot slip into its copy services either
            with self.assertRaises(AccessError):
                Item.write([Item(public.id)], {'subject': "changé"})
        # In copy: readable
        Item.write([secret], {'copy_services': [('add', [s.trav.id])]})
        with s.as_user(s.autre):
            self.assertEqual(Item.search([]), [secret])
            Attachment.read([attachment.id], ['data'])

    @with_setup
    def test_mail_visible_to_its_services_only(self, s):
        "Like iA.Docs: service in charge, managers above, copies, office"
        pool = Pool()
        Item = pool.get('mail.item')
        Type = pool.get('mail.type')
        History = pool.get('mail.item.history')
        Dashboard = pool.get('mail.item.dashboard')
        Service = pool.get('mons.service')
        invitation, = Type.create([{'name': "Invitation", 'code': 'INV',
                    'delay': 5, 'visible_to_all': True}])
        cult = s.item(subject="Concert", service=s.cult.id)
        trav = s.item(subject="Nid de poule", service=s.trav.id)
        public = s.item(subject="Réception", service=s.cult.id,
            type=invitation.id)
        secret = s.item(subject="Plainte", service=s.cult.id,
            type=invitation.id, confidential=True)
        items = [cult, trav, public, secret]
        Item.register(items)
        Item.assign(items)

        def visible(user):
            with s.as_user(user):
                return set(Item.search([]))
        self.assertEqual(visible(s.agent), {cult, public, secret})
        self.assertEqual(visible(s.chef), {cult, public, secret})
        # A type visible to all opens its letters to the whole staff, but
        # not the confidential ones
        self.assertEqual(visible(s.autre), {trav, public})
        self.assertEqual(visible(s.courrier), set(items))
        self.assertEqual(visible(s.direction), set(items))
        with s.as_user(s.autre):
            with self.assertRaises(AccessError):
                Item.read([cult.id], ['subject'])
            self.assertEqual(History.search([('item', '=', cult.id)]), [])
            self.assertEqual(
                Item.search([('text', 'ilike', 'concert')]), [])
            self.assertEqual(
                {r.service for r in Dashboard.search([])}, {s.trav})
            # Read is not write: a letter visible to all stays its service's
            with self.assertRaises(AccessError):
                Item.write([Item(public.id)], {'subject': "changé"})
        # The manager of a service above reads the letters of the services
        # below
        Service.write([s.trav], {'parent': s.cult.id})
        self.assertEqual(visible(s.chef), {cult, trav, public, secret})
        self.assertEqual(visible(s.agent), {cult, public, secret})

    @with_setup
    def test_link_to_confidential_item_hides_its_subject(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        Link = pool.get('mail.item.link')
        secret = s.item(subject="Dossier disciplinaire", confidential=True,
            service=s.cult.id)
        mine = s.item(subject="Suite", service=s.trav.id)
        Item.register([secret, mine])
        Item.assign([secret, mine])
        with s.as_user(s.autre):
            link, = Link.create([{'item': mine.id, 'target': secret.id,
                        'kind': 'follow_up'}])
            self.assertIsNone(Link.read([link.id],
                    ['target_subject'])[0]['target_subject'])
            item, = Item.read([mine.id], ['links.target_subject'])
            self.assertEqual(
                [l['target_subject'] for l in item['links.']], [None])
            with self.assertRaises(AccessError):
                Link.read([link.id], ['target.subject'])
        with s.as_user(s.agent):
            # Its own service reads the subject; the link's source is not
            # theirs: the backlink is not listed to them
            self.assertEqual(list(Item.read([secret.id], ['backlinks'])[0][
                    'backlinks']), [])
        with s.as_user(s.courrier):
            self.assertEqual(Link.read([link.id], ['target_subject'])[0][
                    'target_subject'], "Dossier disciplinaire")

    @with_setup
    def test_confidentiality_by_manager_with_history(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        item = s.item(service=s.cult.id)
        Item.register([item])
        Item.assign([item])
        with s.as_user(s.agent), Transaction().set_context(language='fr'):
            with self.assertRaisesRegex(AccessError, "Confidentiel"):
                Item.write([Item(item.id)], {'confidential': True})
            Item.write([Item(item.id)], {'keywords': "sans secret"})
        with s.as_user(s.chef):
            Item.write([Item(item.id)], {'confidential': True})
        with s.as_user(s.courrier):
            Item.write([Item(item.id)], {'confidential': False,
                    'service': s.trav.id})
        changes = [(h.action, h.user.login, h.old_value, h.new_value)
            for h in reversed(Item(item.id).history)
            if h.action in {'confidential', 'service'}]
        self.assertEqual(changes, [
                ('confidential', 'chef', "No", "Yes"),
                ('confidential', 'courrier', "Yes", "No"),
                ('service', 'courrier', s.cult.rec_name, s.trav.rec_name),
                ])

    @with_setup
    def test_workflow_fields_only_through_buttons(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        item = s.item(service=s.cult.id)
        Item.register([item])
        Item.assign([item])
        number = Item(item.id).number
        with s.as_user(s.agent), Transaction().set_context(language='fr'):
            for values in [{'state': 'closed'}, {'number': 'E/1999/1'},
                    {'registration_date': dt.datetime(2020, 1, 1)},
                    {'scan_text': "faux"}]:
                with self.assertRaises(UserError):
                    Item.write([Item(item.id)], values)
                with self.assertRaises(UserError):
                    Item.create([{'company': s.company.id,
                                'subject': "Né clos", **values}])
        with s.as_user(s.courrier):
            with self.assertRaises(AccessError):
                Item.write([Item(item.id)], {'state': 'closed'})
        # Server code gets the same answer, whatever the context
        with Transaction().set_context(language='fr', _mail_register=True):
            with self.assertRaisesRegex(UserError, "numéro"):
                Item.write([Item(item.id)], {'number': 'E/1999/000001'})
            with self.assertRaisesRegex(UserError, "circuit"):
                Item.create([{'company': s.company.id, 'state': 'closed'}])
            with self.assertRaisesRegex(UserError, "circuit"):
                Item.create([{'company': s.company.id, 'number': 'E/1/1'}])
        self.assertEqual(Item(item.id).number, number)
        self.assertEqual(Item(item.id).state, 'assigned')
        # A mail type opens to all staff by the functional admin only
        Type = pool.get('mail.type')
        type_, = Type.create([{'name': "Lettre", 'code': 'LET'}])
        with s.as_user(s.courrier), self.assertRaises(AccessError):
            Type.write([Type(type_.id)], {'visible_to_all': True})

    @with_setup
    def test_html_never_a_scan(self, s):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        item = s.item()
        for name, data in [
                ('scan.pdf', b'<html><script>alert(1)</script></html>'),
                ('page.html', b'%PDF-1.4 not really'),
                ('image.svg', b'<svg onload="alert(1)"/>')]:
            for ctx in [{}, {'_mail_inbound': True}]:
                with Transaction().set_context(language='fr', **ctx), \
                        self.assertRaisesRegex(UserError, "code"):
                    Attachment.create([{'resource': str(item),
                                'name': name, 'data': data}])
            with trusted('inbound_annexes'), \
                    self.assertRaises(UserError):
                Attachment.create([{'resource': str(item), 'name': name,
                            'data': data}])
        attachment, = Attachment.create([{'resource': str(item),
                    'name': 'scan.pdf', 'data': pdf_with_text("Scan")}])
        with self.assertRaises(UserError):
            Attachment.write([attachment], {'data': b'<html></html>'})
        with self.assertRaises(UserError):
            Attachment.write([attachment], {'name': 'scan.html'})

    @with_setup
    def test_scan_must_parse(self, s):
        "A PDF or an image that does not parse is refused, named, in French"
        import io
        from PIL import Image
        from pypdf import PdfWriter
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        item = s.item()
        writer = PdfWriter()
        writer.add_blank_page(200, 200)
        writer.encrypt('secret')
        encrypted = io.BytesIO()
        writer.write(encrypted)
        good = pdf_with_text("Plainte")
        png = io.BytesIO()
        Image.new('RGB', (20, 20)).save(png, 'PNG')
        png = png.getvalue()
        for name, data, message in [
                ('plainte.pdf', b'%PDF-1.4\n% zorglub\n', "PDF lisible"),
                ('coupe.pdf', good[:len(good) // 2], "PDF lisible"),
                ('secret.pdf', encrypted.getvalue(), "PDF chiffré"),
                ('photo.png', png[:40], "image lisible"),
                ]:
            with Transaction().set_context(language='fr'), \
                    self.assertRaisesRegex(UserError,
                        f"« {name} ».*{message}", msg=name):
                Attachment.create([{'resource': str(item), 'name': name,
                            'data': data}])
        self.assertFalse(Attachment.search([('resource', '=', str(item))]))
        # A PDF and an image that open are kept
        Attachment.create([
                {'resource': str(item), 'name': 'plainte.pdf', 'data': good},
                {'resource': str(item), 'name': 'photo.png', 'data': png}])
        self.assertEqual(
            Attachment.search_count([('resource', '=', str(item))]), 2)

    @with_setup
    def test_attachment_does_not_outdate_the_open_form(self, s):
        "Attach a scan, then press Assign in the same form: no concurrency"
        pool = Pool()
        Item = pool.get('mail.item')
        Attachment = pool.get('ir.attachment')
        item = s.item(service=s.cult.id)
        Item.register([item])
        with s.as_user(s.courrier):
            timestamp, = Item.read([item.id], ['_timestamp'])
            Attachment.create([{'resource': str(item), 'name': 'scan.pdf',
                        'data': pdf_with_text("Demande de subside Nimy")}])
            self.assertEqual(Item.read([item.id], ['_timestamp']),
                [timestamp])
            Transaction().timestamp = {
                str(item): timestamp['_timestamp']}
            Item.assign([Item(item.id)])
            Transaction().timestamp = {}
        item = Item(item.id)
        self.assertEqual(item.state, 'assigned')
        self.assertIn("Nimy", item.scan_text)
        self.assertEqual(Item.search([('text', 'ilike', 'nimy')]), [item])

    @with_setup
    def test_other_organisation_never_reads(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        User = pool.get('res.user')
        item = s.item(service=s.cult.id)
        Item.register([item])
        cpas_company = create_company(name="CPAS")
        cpas, = User.create([{'name': 'cpas', 'login': 'cpas',
                    'companies': [('add', [cpas_company.id])],
                    'company': cpas_company.id,
                    'groups': [('add', [group('employee'),
                                group('mail_office')])]}])
        with Transaction().set_user(cpas.id), \
                Transaction().set_context(_check_access=True,
                    company=s.company.id, companies=[s.company.id]):
            self.assertEqual(Item.search([]), [])
            with self.assertRaises(AccessError):
                Item.read([item.id], ['subject'])

    @with_setup
    def test_report_of_confidential_item_refused(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        Label = pool.get('mail.item.label', type='report')
        secret = s.item(confidential=True, service=s.cult.id)
        Item.register([secret])
        with s.as_user(s.autre), self.assertRaises(AccessError):
            Label.execute([secret.id], {})
        with s.as_user(s.agent):
            ext, content, _, name = Label.execute([secret.id], {})
        self.assertEqual(ext, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))

    # Attachments and search ----------------------------------------------

    @with_setup
    def test_attachment_checks_and_scan_text(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        Attachment = pool.get('ir.attachment')
        Configuration = pool.get('mail.configuration')
        item = s.item(subject="Demande de permis")
        with Transaction().set_context(language='fr'):
            with self.assertRaisesRegex(UserError, "lettre.docx.*PDF"):
                Attachment.create([{'resource': str(item),
                            'name': 'lettre.docx', 'data': b'PK\x03\x04'}])
            config = Configuration(1)
            config.max_attachment_size = 1
            config.save()
            with self.assertRaisesRegex(UserError, "gros.pdf.*limite"):
                Attachment.create([{'resource': str(item),
                            'name': 'gros.pdf',
                            'data': b'%PDF-1.4' + b'0' * (2 * 1024 * 1024)}])
        Attachment.create([{'resource': str(item), 'name': 'scan.pdf',
                    'data': pdf_with_text("Parcelle cadastrale Jemappes")}])
        item = Item(item.id)
        self.assertIn("Jemappes", item.scan_text)
        self.assertEqual(item.attachment_count, 1)
        self.assertEqual(
            Item.search([('text', 'ilike', 'jemappes permis')]), [item])
        self.assertEqual(Item.search([('text', 'ilike', 'PERMÎS')]), [item])
        self.assertEqual(Item.search([('text', 'ilike', 'absent')]), [])

    # Tracking -------------------------------------------------------------

    @with_setup
    def test_reminders_and_overdue_digest(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        Email = pool.get('ir.email')
        Dashboard = pool.get('mail.item.dashboard')
        today = dt.date.today()
        soon = s.item(subject="Bientôt", service=s.cult.id,
            agent=s.emp['Agent'].id)
        # The second reminder of this type is weeks away: the digest alone
        slow, = pool.get('mail.type').create([{'name': "Lent", 'code': 'LENT',
                    'delay': 10, 'reminder_after_days': 30}])
        late = s.item(subject="En retard", service=s.cult.id, type=slow.id)
        far = s.item(subject="Plus tard", service=s.cult.id)
        Item.register([soon, late, far])
        Item.assign([soon, late, far])
        with trusted('due_date_computed'):
            Item.write([soon], {'due_date': today + dt.timedelta(days=1)})
            Item.write([late], {'due_date': today - dt.timedelta(days=3)})
            Item.write([far], {'due_date': today + dt.timedelta(days=60)})
        Item.send_reminders()
        emails = Email.search([], order=[('id', 'ASC')])
        self.assertEqual([(e.recipients, str(e.resource)) for e in emails], [
                ('agent@mons.test', str(soon)),
                ('culture@mons.test', str(s.cult)),
                ])
        self.assertIn(late.number, emails[1].body)
        self.assertNotIn(far.number, emails[1].body)
        # The messages are queued in Tryton's SMTP data manager, sent when
        # the transaction commits
        managers = [d for d in Transaction()._datamanagers
            if isinstance(d, SMTPDataManager)]
        queued = [m for d in managers for _, _, m in d.queue]
        self.assertEqual([m['To'] for m in queued],
            ['agent@mons.test', 'culture@mons.test'])
        self.assertEqual(Item(soon.id).reminder_date, today)
        # Second run the same day: no new reminder, digest again
        Item.send_reminders()
        self.assertEqual(Email.search_count([('resource', '=', str(soon))]), 1)
        self.assertEqual(Item.search([('late', '=', True)]), [late])
        row, = Dashboard.search([('service', '=', s.cult.id),
                ('agent', '=', None)])
        self.assertEqual((row.open, row.overdue), (2, 1))

    # Answers and links ------------------------------------------------------

    @with_setup
    def test_reply_creates_linked_outgoing(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        Letter = pool.get('mail.item.letter', type='report')
        incoming = s.item(service=s.cult.id, external_reference="REF-42")
        Item.register([incoming])
        Item.assign([incoming])
        with s.as_user(s.agent):
            Item.take([Item(incoming.id)])
            action = Item.reply([Item(incoming.id)])
            # The desk opens the draft in a form; a second click opens the
            # same draft instead of leaving another one
            self.assertEqual(action['type'], 'ir.action.act_window')
            self.assertEqual(action['res_model'], 'mail.item')
            self.assertEqual(action['views'][0][1], 'form')
            reply_id, = action['res_id']
            again = Item.reply([Item(incoming.id)])
            self.assertEqual(again['res_id'], [reply_id])
        reply = Item(reply_id)
        self.assertEqual((reply.direction, reply.state, reply.party,
                reply.service), ('outgoing', 'draft', s.sender, s.cult))
        self.assertEqual([(l.kind, l.target) for l in reply.links],
            [('answer', incoming)])
        self.assertEqual([l.item for l in Item(incoming.id).backlinks],
            [reply])
        with s.as_user(s.agent):
            Item.write([Item(reply.id)], {'body': "Votre demande est acceptée."})
            Item.register([Item(reply.id)])
            ext, content, _, _ = Letter.execute([reply.id], {})
        self.assertEqual(ext, 'pdf')
        from pypdf import PdfReader
        text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
        self.assertIn(reply.number, text)
        self.assertIn(incoming.number, text)
        # Registering the answer marks the incoming item answered
        self.assertEqual(Item(incoming.id).state, 'answered')

    @with_setup
    def test_label_has_code128_of_number(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        Label = pool.get('mail.item.label', type='report')
        item = s.item()
        Item.register([item])
        with s.as_user(s.courrier):
            ext, content, _, name = Label.execute([item.id], {})
        self.assertEqual(ext, 'pdf')
        # The registration number's "/" would be a folder in the download
        self.assertIn(item.number.replace('/', '-'), name)
        self.assertNotIn('/', name)
        from trytond.modules.mons_mail.scan import read_codes
        self.assertIn(item.number, read_codes(content))

    # Digitisation ---------------------------------------------------------

    @with_setup
    def test_drop_folder(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        Scan = pool.get('mail.scan')
        Configuration = pool.get('mail.configuration')
        Attachment = pool.get('ir.attachment')
        item = s.item()
        Item.register([item])
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, '001.pdf'), 'wb') as fp:
                fp.write(pdf_with_barcode(item.number))
            with open(os.path.join(folder, '002.pdf'), 'wb') as fp:
                fp.write(pdf_with_text("Aucun code"))
            with open(os.path.join(folder, '003.pdf'), 'wb') as fp:
                fp.write(b'not a pdf')
            config = Configuration(1)
            config.drop_folder = folder
            config.save()
            scans = Scan.process_drop_folder()
            # A file that is no PDF is no scan: set aside, never kept
            self.assertEqual([(sc.name, sc.state) for sc in scans], [
                    ('001.pdf', 'filed'), ('002.pdf', 'review')])
            self.assertEqual(sorted(os.listdir(folder)),
                ['done', 'refused', 'review'])
            self.assertEqual(os.listdir(os.path.join(folder, 'done')),
                ['001.pdf'])
            self.assertEqual(os.listdir(os.path.join(folder, 'refused')),
                ['003.pdf'])
            self.assertFalse(Scan.search([('name', '=', '003.pdf')]))
        self.assertEqual([a.name for a in Attachment.search(
                        [('resource', '=', str(item))])], ['001.pdf'])
        self.assertEqual(Item(item.id).history[0].action, 'scan')
        review = scans[1]
        review.item = item
        review.save()
        Scan.file([review])
        self.assertEqual(Attachment.search_count(
                [('resource', '=', str(item))]), 2)
        with Transaction().set_context(language='fr'):
            config = Configuration(1)
            config.drop_folder = '/nonexistent/scans'
            with self.assertRaisesRegex(UserError, "/nonexistent/scans"):
                config.save()

    @with_setup
    def test_inbound_email(self, s):
        pool = Pool()
        Inbox = pool.get('inbound.email.inbox')
        Email = pool.get('inbound.email')
        Attachment = pool.get('ir.attachment')
        inbox, = Inbox.create([{'name': "courrier@mons.be",
                    'rules': [('create', [{
                                    'action': 'mail.item|from_inbound_email',
                                    'mail_company': s.company.id,
                                    'mail_service': s.cult.id,
                                    'mail_register': True,
                                    }])]}])
        msg = EmailMessage()
        msg['From'] = 'Jean Dupont <jean@example.be>'
        msg['To'] = 'courrier@mons.be'
        msg['Subject'] = "Demande de salle"
        msg.set_content("Bonjour, je souhaite louer la salle.")
        msg.add_attachment(b'%PDF-1.4 annexe', maintype='application',
            subtype='pdf', filename='annexe.pdf')
        email, = Email.create([{'inbox': inbox.id, 'data': msg.as_bytes(),
                    'data_type': 'raw'}])
        Email.process([email])
        item = email.result
        self.assertEqual(item.__name__, 'mail.item')
        self.assertEqual((item.medium, item.party, item.subject, item.state,
                item.service), ('email', s.sender, "Demande de salle",
                'assigned', s.cult))
        self.assertIn("louer la salle", item.body)
        self.assertTrue(item.number.startswith('E/'))
        self.assertEqual([a.name for a in Attachment.search(
                        [('resource', '=', str(item))])], ['annexe.pdf'])


del ModuleTestCase
