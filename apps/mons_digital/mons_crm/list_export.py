"Export of a mailing list to Excel or CSV."
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.wizard import Button, StateView, Wizard

from . import reader
from .normalize import norm_text


class ListExportStart(ModelView):
    "Export a list"
    __name__ = 'mons.crm.list.export.start'
    format = fields.Selection([
            ('xlsx', "Excel"),
            ('csv', "CSV"),
            ], "Format", required=True)
    inactive = fields.Boolean("With Unsubscribed")

    @classmethod
    def default_format(cls):
        return 'xlsx'


class ListExportResult(ModelView):
    "Exported list"
    __name__ = 'mons.crm.list.export.result'
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class ListExport(Wizard):
    "Export a list"
    __name__ = 'mons.crm.list.export'
    start = StateView('mons.crm.list.export.start',
        'mons_crm.list_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'result', 'tryton-ok', default=True),
            ])
    result = StateView('mons.crm.list.export.result',
        'mons_crm.list_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_result(self, fields):
        data, filename = self.export(self.record, self.start.format,
            self.start.inactive)
        return {'file': data, 'filename': filename}

    @classmethod
    def export(cls, list_, format_='xlsx', inactive=False):
        pool = Pool()
        Email = pool.get('marketing.email')
        domain = [('list_', '=', list_.id)]
        if inactive:
            domain.append(('active', 'in', [True, False]))
        emails = Email.search(domain, order=[('email', 'ASC')])
        headers = [gettext('mons_crm.msg_export_' + h) for h in [
                'email', 'name', 'first_name', 'last_name', 'language',
                'street', 'postal_code', 'city', 'phone', 'subscribed',
                'source', 'active']]
        rows = []
        for email in emails:
            party = email.contact
            address = party.address_get() if party else None
            rows.append([
                    email.email,
                    party.name if party else '',
                    (party.first_name or '') if party else '',
                    (party.last_name or '') if party else '',
                    party.language if party else '',
                    (address.street_single_line or '') if address else '',
                    (address.postal_code or '') if address else '',
                    (address.city or '') if address else '',
                    (party.phone or party.mobile or '') if party else '',
                    email.subscribed_at.strftime('%Y-%m-%d %H:%M')
                    if email.subscribed_at else '',
                    email.source or '',
                    'oui' if email.active else 'non',
                    ])
        name = norm_text(list_.name).replace(' ', '-') or 'liste'
        if format_ == 'csv':
            return reader.write_csv(headers, rows), f'{name}.csv'
        return reader.write_xlsx(headers, rows), f'{name}.xlsx'
