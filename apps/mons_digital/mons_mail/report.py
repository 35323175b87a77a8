"Printed documents of mail items: barcode label, reception slip, letter."
import re

from genshi.core import Markup

from trytond.pool import Pool
from trytond.modules.mons_base.municipality import identity
from trytond.modules.mons_base.report_filename import SafeFilenameReport
from trytond.transaction import Transaction


def code128_svg(code, module_width=0.3, module_height=12.0):
    "Inline SVG of the Code 128 barcode of a registration number"
    from io import BytesIO
    if not code:
        # A draft has no number yet: nothing to encode
        return Markup('')

    import barcode
    from barcode.writer import SVGWriter
    output = BytesIO()
    barcode.get('code128', code, writer=SVGWriter()).write(output, options={
            'module_width': module_width,
            'module_height': module_height,
            'quiet_zone': 2.0,
            'font_size': 8,
            'text_distance': 3.5,
            })
    svg = output.getvalue().decode('utf-8')
    # The document is embedded in HTML: drop the XML prologue
    svg = re.sub(r'<\?xml[^>]*\?>', '', svg)
    svg = re.sub(r'<!DOCTYPE[^>]*>', '', svg)
    return Markup(svg.strip())


class MailReport(SafeFilenameReport):

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        company_id = Transaction().context.get('company')
        record = context.get('record')
        context['company'] = (record.company if record
            else Company(company_id) if company_id else None)
        context['today'] = Date.today()
        context['municipality'] = identity()
        context['code128'] = code128_svg
        context['format_date'] = lambda d: (
            cls.format_date(d) if d else '')
        return context

    @classmethod
    def format_date(cls, value, lang=None, format=None):
        Lang = Pool().get('ir.lang')
        if lang is None:
            lang = Lang.get()
        return lang.strftime(value, format=format)


class Label(MailReport):
    __name__ = 'mail.item.label'


class Slip(MailReport):
    __name__ = 'mail.item.slip'


class Letter(MailReport):
    __name__ = 'mail.item.letter'

    @classmethod
    def get_context(cls, records, header, data):
        Item = Pool().get('mail.item')
        context = super().get_context(records, header, data)

        def answered(item):
            targets = [link.target for link in item.links
                if link.kind == 'answer']
            # The letter names only the items its writer may read
            readable = Item.readable(t.id for t in targets)
            return [t for t in targets if t.id in readable]
        context['answered'] = answered
        return context
