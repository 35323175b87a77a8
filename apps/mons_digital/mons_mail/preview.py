"""The scan of a letter shown beside its form in the desk: the first PDF
or image attached to it (for an outgoing letter, the letter kept when it
was registered), read with the user's rights on the attachments."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, check_access

from .ir import file_kind

PREVIEW_TYPES = {'pdf', 'image'}


class Item(metaclass=PoolMeta):
    __name__ = 'mail.item'

    document = fields.Function(fields.Binary("Document",
            filename='document_name'), 'get_document')
    document_name = fields.Function(fields.Char("Document Name"),
        'get_document')

    @classmethod
    def view_attributes(cls):
        # A letter without scan (a new draft) keeps the whole width
        return super().view_attributes() + [
            ('/form/group[@id="preview"]', 'states', {
                    'invisible': ~Eval('document_name')}),
            ]

    @classmethod
    def get_document(cls, items, names):
        Attachment = Pool().get('ir.attachment')
        result = {n: {i.id: None for i in items} for n in names}
        # The desk asks for the size first, and the content when it shows
        size_only = Transaction().context.get(
            f'{cls.__name__}.document') == 'size'
        # Function fields are computed without access checks: the user's
        # rights on the attachments decide what is shown
        with check_access():
            attachments = Attachment.search([
                    ('resource', 'in', [str(i) for i in items]),
                    ('type', '=', 'data'),
                    ], order=[('id', 'ASC')])
            return cls._first_documents(attachments, result, size_only)

    @classmethod
    def _first_documents(cls, attachments, result, size_only):
        found = set()
        for attachment in attachments:
            item_id = attachment.resource.id
            if item_id in found:
                continue
            data = attachment.data
            if not data or file_kind(data) not in PREVIEW_TYPES:
                continue
            found.add(item_id)
            if 'document' in result:
                result['document'][item_id] = (
                    len(data) if size_only else data)
            if 'document_name' in result:
                result['document_name'][item_id] = attachment.name
        return result
