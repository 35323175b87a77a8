"Reply templates per service and mail type; the scan beside the letter."
import datetime as dt
import unittest

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

from .test_letter import pdf_pages_text
from .test_module import Setup, group, load_french, pdf_with_text


class ReplyTemplateTestCase(unittest.TestCase):
    "The functional administrator writes the letters' wording"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The contacts' civility and title come from the contacts module
        activate_module(['mons_mail', 'mons_crm'])

    def run_with_setup(self, func):
        load_french()
        s = Setup()
        try:
            with Transaction().set_context(language='fr'):
                User = Pool().get('res.user')
                s.admin, = User.create([{'name': "Admin fonctionnel",
                            'login': 'fonctionnel',
                            'companies': [('add', [s.company.id])],
                            'company': s.company.id,
                            'groups': [('add', [group('employee'),
                                        group('admin')])]}])
                func(s)
        finally:
            s.close()

    @with_transaction()
    def test_most_specific_template(self):
        "Service and type, then type, then the nearest service, then general"
        self.run_with_setup(self._most_specific)

    def _most_specific(self, s):
        pool = Pool()
        Template = pool.get('mail.reply.template')
        Type = pool.get('mail.type')
        Service = pool.get('mons.service')
        decision, other = Type.create([
                {'name': "Décision", 'code': 'DEC', 'delay': 10},
                {'name': "Information", 'code': 'INF', 'delay': 10}])
        library, = Service.create([{'name': "Bibliothèque", 'code': 'BIB',
                    'company': s.company.id, 'parent': s.cult.id}])
        general, = Template.search([])
        self.assertIn('${greeting}', general.body)
        with s.as_user(s.admin):
            by_type, by_culture, culture_decision = Template.create([
                    {'name': "Décisions", 'type': decision.id,
                        'body': "${greeting}\n${body}\nRecours possible."},
                    {'name': "Culture", 'service': s.cult.id,
                        'body': "${greeting}\nLa Culture: ${body}"},
                    {'name': "Décisions Culture", 'service': s.cult.id,
                        'type': decision.id,
                        'body': "${greeting}\nCulture, recours: ${body}"},
                    ])
            cases = [
                (library, None, by_culture),
                (library, decision, culture_decision),
                (s.cult, other, by_culture),
                (s.trav, decision, by_type),
                (s.trav, None, general),
                (None, None, general),
                ]
            for service, type_, expected in cases:
                self.assertEqual(Template.best(
                        Service(service.id) if service else None,
                        Type(type_.id) if type_ else None), expected,
                    (service and service.code, type_ and type_.code))
            # Two active templates for the same case: which one?
            with self.assertRaisesRegex(UserError, "Décisions Culture"):
                Template.create([{'name': "Doublon", 'service': s.cult.id,
                            'type': decision.id, 'body': "${body}"}])
            Template.create([{'name': "Ancienne", 'service': s.cult.id,
                        'type': decision.id, 'body': "${body}",
                        'active': False}])
            # A typo in a placeholder is refused, named, in French
            with self.assertRaisesRegex(UserError,
                    r"inconnu.*\$\{contact\.civility\}.*ligne 2"):
                Template.write([by_type],
                    {'body': "${greeting}\n${contact.civility}"})
            with self.assertRaisesRegex(UserError, r"\$\$"):
                Template.write([by_type], {'body': "Frais: 5 $ ${body}"})
            Template.write([by_type], {'body': "Frais: 5 $$ ${body}"})

        # Agents and the mail office read the templates, only the
        # functional administrator changes them
        for user in [s.agent, s.courrier, s.chef]:
            with s.as_user(user):
                # (the refused duplicate stays in this test's transaction)
                self.assertLessEqual({general, by_type, by_culture,
                        culture_decision}, set(Template.search([])))
                with self.assertRaises(AccessError):
                    Template.write([Template(by_type.id)],
                        {'body': "${body}"})
                with self.assertRaises(AccessError):
                    Template.create([{'name': "X", 'body': "${body}"}])
                with self.assertRaises(AccessError):
                    Template.delete([Template(by_culture.id)])

    @with_transaction()
    def test_letter_from_template(self):
        "A decision of Culture to Dr Lambert and a copy, from its template"
        self.run_with_setup(self._letter)

    def _letter(self, s):
        pool = Pool()
        Template = pool.get('mail.reply.template')
        Type = pool.get('mail.type')
        Item = pool.get('mail.item')
        Party = pool.get('party.party')
        Attachment = pool.get('ir.attachment')
        Letter = pool.get('mail.item.letter', type='report')
        decision, = Type.create([
                {'name': "Décision", 'code': 'DEC', 'delay': 10}])
        with s.as_user(s.admin):
            Template.create([{'name': "Décisions Culture",
                        'service': s.cult.id, 'type': decision.id,
                        'body': "${greeting},\n\nPar votre courrier du "
                        "${your_letter_date} (référence ${your_reference})"
                        ", vous avez demandé : ${subject}.\n\n${body}\n\n"
                        "Un recours est possible dans les trente jours.\n\n"
                        "${closing}"}])
        lambert, asbl = Party.create([{
                    'name': "Claire Lambert", 'crm_kind': 'person',
                    'first_name': "Claire", 'last_name': "Lambert",
                    'civility': 'mrs', 'title': 'dr',
                    'addresses': [('create', [{
                                    'street_unstructured': "Rue de Nimy 5",
                                    'postal_code': '7000',
                                    'city': "Mons"}])]}, {
                    'name': "ASBL Quartier Nord",
                    'crm_kind': 'organisation',
                    'addresses': [('create', [{
                                    'street_unstructured': "Place du Parc 2",
                                    'postal_code': '7000',
                                    'city': "Mons"}])]}])
        incoming = s.item(service=s.cult.id, party=lambert.id,
            subject="Prêt de la salle", external_reference="CL-2026-17",
            type=decision.id)
        Item.write([incoming], {'letter_date': dt.date(2026, 11, 20)})
        Item.register([incoming])
        Item.assign([incoming])
        with s.as_user(s.agent):
            Item.take([Item(incoming.id)])
            reply_id, = Item.reply([Item(incoming.id)])['res_id']
            Item.write([Item(reply_id)], {'type': decision.id,
                    'body': "La salle vous est prêtée le 5 janvier.",
                    'recipients': [('create', [
                                {'party': asbl.id, 'kind': 'cc'}])]})
            _, content, _, _ = Letter.execute([reply_id], {})
        # The PDF's text breaks long lines: compare words
        first, second = [' '.join(p.split())
            for p in pdf_pages_text(content)]
        for page in [first, second]:
            self.assertIn("Par votre courrier du 20/11/2026 (référence "
                "CL-2026-17), vous avez demandé : Prêt de la salle.", page)
            self.assertIn("La salle vous est prêtée le 5 janvier.", page)
            self.assertIn("Un recours est possible", page)
        self.assertIn("Objet : Prêt de la salle Madame la Docteure, Par",
            first)
        self.assertNotIn("Docteure,,", first)
        self.assertIn("agréer, Madame la Docteure, l'expression", first)
        self.assertIn("salle Madame, Monsieur, Par votre", second)
        self.assertNotIn("Docteure", second)

        # Registered by the mail office: the letter kept is the template's
        with s.as_user(s.courrier):
            Item.register([Item(reply_id)])
        kept, = Attachment.search([('resource', '=', f'mail.item,{reply_id}')])
        pages = pdf_pages_text(bytes(kept.data))
        self.assertEqual(len(pages), 2)
        self.assertIn("Un recours est possible", pages[0])
        # The letter kept is what the desk shows beside the outgoing item
        with s.as_user(s.agent):
            reply, = Item.read([reply_id], ['document', 'document_name'])
        self.assertEqual(reply['document_name'], kept.name)
        self.assertEqual(bytes(reply['document']), bytes(kept.data))

    @with_transaction()
    def test_scan_preview(self):
        "The first PDF or image attached, for whoever may read the letter"
        self.run_with_setup(self._preview)

    def _preview(self, s):
        pool = Pool()
        Item = pool.get('mail.item')
        Attachment = pool.get('ir.attachment')
        item = s.item(service=s.cult.id, confidential=True)
        bare = s.item(service=s.cult.id)
        Item.register([item, bare])
        Item.assign([item, bare])
        scan = pdf_with_text("Demande de subside pour le festival")
        Attachment.create([
                {'resource': str(item), 'name': 'scan.pdf', 'data': scan},
                {'resource': str(item), 'name': 'annexe.pdf',
                    'data': pdf_with_text("Annexe")},
                ])
        with s.as_user(s.agent):
            # (read answers in no given order on PostgreSQL)
            read = {r['id']: r for r in Item.read([item.id, bare.id],
                    ['document', 'document_name'])}
            shown, empty = read[item.id], read[bare.id]
            self.assertEqual(shown['document_name'], 'scan.pdf')
            self.assertEqual(bytes(shown['document']), scan)
            self.assertIsNone(empty['document'])
            self.assertIsNone(empty['document_name'])
            # The desk asks the size before the content
            with Transaction().set_context({'mail.item.document': 'size'}):
                sized, = Item.read([item.id], ['document'])
            self.assertEqual(sized['document'], len(scan))
        # Another service's agent reads neither the letter nor its scan
        with s.as_user(s.autre):
            with self.assertRaises(AccessError):
                Item.read([item.id], ['document'])
