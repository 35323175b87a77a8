"""The letter of an outgoing item: greeting and closing by the contact's
civility and title, references, the agent's signature block, one letter
per recipient; the PDF is kept on the item when it is registered."""
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from trytond.modules.mons_base.report_filename import safe_filename

# How a letter addresses a person (French administrative usage)
TITLE_FORMS = {
    'dr': {'mr': "Monsieur le Docteur", 'mrs': "Madame la Docteure",
        None: "Docteur"},
    'me': {'mr': "Maître", 'mrs': "Maître", None: "Maître"},
    'prof': {'mr': "Monsieur le Professeur",
        'mrs': "Madame la Professeure", None: "Professeur"},
    }
CIVILITY_FORMS = {'mr': "Monsieur", 'mrs': "Madame"}
DEFAULT_FORM = "Madame, Monsieur"


def address_form(party):
    """'Madame', 'Monsieur le Docteur', 'Maître'... from the contact's
    civility and title (mons_crm adds them to the contact); an
    organisation or an unknown civility gets 'Madame, Monsieur'"""
    if party is None or getattr(party, 'crm_kind', 'person') != 'person':
        return DEFAULT_FORM
    civility = getattr(party, 'civility', None)
    title = getattr(party, 'title', None)
    if title in TITLE_FORMS:
        forms = TITLE_FORMS[title]
        return forms.get(civility) or forms[None]
    return CIVILITY_FORMS.get(civility, DEFAULT_FORM)


def greeting(party):
    return f"{address_form(party)},"


def closing(party):
    return ("Nous vous prions d'agréer, "
        f"{address_form(party)}, l'expression de nos salutations "
        "distinguées.")


def signature(item):
    "Lines of the signature block: the agent, the service, how to reach"
    lines = []
    agent = item.agent
    if agent:
        lines.append(agent.party.rec_name)
    if item.service:
        lines.append(item.service.name)
    if agent:
        for value in [agent.party.phone, agent.party.email]:
            if value:
                lines.append(value)
    elif item.service and getattr(item.service, 'email', None):
        lines.append(item.service.email)
    return lines


def sender_references(item, readable):
    """(reference, date) of the letters answered: 'Your reference' is the
    sender's own, with the date of their letter"""
    refs = []
    for link in item.links:
        if link.kind != 'answer' or link.target.id not in readable:
            continue
        target = link.target
        if target.external_reference or target.letter_date:
            refs.append((target.external_reference or '',
                    target.letter_date))
    return refs


class Letter(metaclass=PoolMeta):
    __name__ = 'mail.item.letter'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Item = pool.get('mail.item')
        Template = pool.get('mail.reply.template')
        context = super().get_context(records, header, data)
        context['greeting'] = greeting
        context['closing'] = closing
        context['signature'] = signature
        # Greeting, text and closing as the reply template of the service
        # and mail type writes them, for each recipient
        context['letter_text'] = (lambda item, party:
            Template.text_for(item, party))

        def references(item):
            readable = Item.readable(
                l.target.id for l in item.links if l.kind == 'answer')
            return sender_references(item, readable)
        context['references'] = references
        context['copies'] = lambda item: [r.party.rec_name
            for r in item.recipients if r.kind == 'cc']
        return context


class Item(metaclass=PoolMeta):
    __name__ = 'mail.item'

    @classmethod
    def register(cls, items, comment=None):
        super().register(items, comment=comment)
        outgoing = [i for i in cls.browse(items) if i.direction == 'outgoing'
            and i.state == 'registered']
        if outgoing:
            cls.keep_letters(outgoing)

    @classmethod
    def keep_letters(cls, items):
        """The letter as printed at registration, with its number, kept on
        the item: what was sent stays as it was sent"""
        pool = Pool()
        Letter = pool.get('mail.item.letter', type='report')
        Attachment = pool.get('ir.attachment')
        for item in items:
            _, content, _, _ = Letter.execute([item.id], {
                    'model': cls.__name__, 'id': item.id, 'ids': [item.id]})
            name = safe_filename(gettext('mons_mail.msg_letter_filename',
                    number=item.number)) + '.pdf'
            with Transaction().set_context(_check_access=False):
                Attachment.create([{
                            'resource': str(item),
                            'name': name,
                            'type': 'data',
                            'data': bytes(content),
                            }])
                cls.add_history([item], 'letter', comment=name)
