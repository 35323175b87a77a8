# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Printed documents of the permits: the inquiry notice to each neighbour,
the inquiry poster and the letter notifying the decision (HTML rendered to
PDF, in French like the people they are sent to)."""
from trytond.modules.mons_base.municipality import identity
from trytond.modules.mons_base.report_filename import SafeFilenameReport
from trytond.pool import Pool
from trytond.transaction import Transaction

from .file import fr_date


class PermitReport(SafeFilenameReport):

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        company_id = Transaction().context.get('company')
        context['company'] = Company(company_id) if company_id else None
        context['today'] = Date.today()
        context['format_date'] = fr_date
        context['municipality'] = identity()
        return context


class InquiryNotice(PermitReport):
    "One letter per owner of the neighbouring parcels"
    __name__ = 'permit.inquiry.notice'


class InquiryPoster(PermitReport):
    __name__ = 'permit.inquiry.poster'


class FileNotification(PermitReport):
    __name__ = 'permit.file.notification'
