"""Job openings and applications on the citizen portal
(under /<database_name>/portal/):

    'emplois'                         published openings, with a search
    'emplois/<id>'                    one opening
    'emplois/<id>/postuler'           the application form (GET, POST)
    'emplois/candidature/<token>'     the secret link of an application:
                                      finish a saved one, or see a sent one

Openings are read as the anonymous visitor, whoever visits: the record
rules of the public group show the published ones only. An application
is the person's own: they reach it with the secret link given when they
save or send it (only its hash is stored), as a reset-password link
works; the model's methods (Applicant.save_draft, submit) do the rest.

The form is short and in plain French for people who do not write much:
name, a phone or an e-mail, their experience in their own words, and a
CV only if they have one. Errors follow the portal's pattern (summary,
message by the field, values kept).
"""
import datetime as dt
import functools

from trytond.exceptions import UserError
from trytond.transaction import Transaction

from trytond.modules.mons_base.caller import acting_as, anonymous_user_id
from trytond.modules.mons_base.portal import (
    Form, UploadError, check_csrf, check_upload, portal_url, redirect,
    register_link, render, route)
from trytond.modules.mons_base.portal_i18n import (
    N_, current_language, gettext as _)
from trytond.modules.mons_base.portal_render import local_date
from trytond.modules.mons_base.web_user import public_url

from .applicant import norm_email, norm_phone
from .recruitment_kpi import register_dashboard_count

CV_TYPES = [
    'application/pdf', 'image/jpeg', 'image/png',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.oasis.opendocument.text',
    ]
# The CV's own limit (configuration) is checked on the file; the request
# may carry a little more so that a CV over the limit gets the form's
# message, with the values kept, rather than the generic page
MAX_REQUEST = 64 * 2 ** 20
MAX_LENGTHS = {'name': 200, 'email': 200, 'phone': 40,
    'experience_text': 10000}
LABELS = {
    'name': N_("Nom et prénom"),
    'phone': N_("Téléphone"),
    'email': N_("Adresse e-mail"),
    'experience_text': N_("Votre expérience"),
    'cv': N_("CV"),
    }
STATES = {
    'received': N_("Reçue : nous allons la lire."),
    'screening': N_("En cours d'examen."),
    'tests': N_("Étape des épreuves."),
    'interview': N_("Étape de l'entretien."),
    'accepted': N_("Acceptée."),
    'rejected': N_("Non retenue."),
    'withdrawn': N_("Retirée."),
    }


def date_fr(value):
    "4 décembre 2026 (4. Dezember 2026 in German)"
    if not value:
        return ''
    if isinstance(value, dt.datetime):
        value = value.date()
    return local_date(value, current_language())


def hours_fr(value):
    text = f'{value:.1f}'.rstrip('0').rstrip('.').replace('.', ',')
    return _("%(hours)s h par semaine", hours=text)


def as_visitor(func):
    "Run the page as the anonymous visitor, under Tryton's access checks"
    @functools.wraps(func)
    def wrapper(request, pool, **kwargs):
        with acting_as(pool, anonymous_user_id(pool),
                language=current_language()):
            return func(request, pool, **kwargs)
    return wrapper


def _visible_opening(pool, opening_id):
    "The opening if the visitor may read it and it takes applications"
    Opening = pool.get('hr.job.opening')
    with acting_as(pool, anonymous_user_id(pool),
            language=current_language()):
        found = Opening.search([('id', '=', opening_id)], limit=1)
        if found and found[0].open_for_applications:
            return found[0]
    return None


def _not_found(request, title=None, text=None):
    title = title or _("Offre introuvable")
    text = text or _("Cette offre d'emploi n'existe pas ou n'est plus "
        "publiée.")
    return render(request, 'mons_hr_career/portal_message.html',
        status=404, title=title, text=text, active='emplois')


def _opening_view(opening):
    "What the pages show of an opening (read while acting as the visitor)"
    return {
        'id': opening.id,
        'title': opening.title,
        'organisation': opening.company.rec_name,
        'service': opening.service.rec_name if opening.service else '',
        'contract': opening.contract_label(),
        'hours': hours_fr(opening.hours or 0),
        'closing_date': date_fr(opening.closing_date),
        'location': opening.location or '',
        'description': opening.description or '',
        'profile': opening.profile or '',
        'company_id': opening.company.id,
        }


@route('/emplois', methods=['GET'])
@as_visitor
def openings(request, pool):
    Opening = pool.get('hr.job.opening')
    q = (request.args.get('q') or '').strip()[:100]
    organisation = request.args.get('organisation') or ''
    everything = [_opening_view(o) for o in Opening.portal_search()]
    organisations = sorted({(o['company_id'], o['organisation'])
            for o in everything}, key=lambda c: c[1])
    company = int(organisation) if organisation.isdigit() else None
    results = [_opening_view(o) for o in Opening.portal_search(
            text=q, company=company)]
    return render(request, 'mons_hr_career/portal_emplois.html',
        openings=results, total=len(everything), q=q,
        organisations=organisations, organisation=company,
        active='emplois')


@route('/emplois/<int:opening_id>', methods=['GET'])
def opening_page(request, pool, opening_id):
    opening = _visible_opening(pool, opening_id)
    if opening is None:
        return _not_found(request)
    with acting_as(pool, anonymous_user_id(pool),
            language=current_language()):
        view = _opening_view(opening)
    return render(request, 'mons_hr_career/portal_offre.html',
        opening=view, active='emplois')


@route('/emplois/<int:opening_id>/postuler', methods=['GET', 'POST'],
    max_request_size=MAX_REQUEST)
def apply(request, pool, opening_id):
    opening = _visible_opening(pool, opening_id)
    if opening is None:
        return _not_found(request)
    return _application(request, pool, opening)


@route('/emplois/candidature/<token>', methods=['GET', 'POST'],
    max_request_size=MAX_REQUEST)
def application_link(request, pool, token):
    Applicant = pool.get('hr.applicant')
    applicant = Applicant.find_by_token(token)
    if applicant is None:
        return _not_found(request, _("Lien non valable"),
            _("Ce lien de candidature n'est pas valable ou la candidature "
                "a été effacée."))
    if applicant.state != 'draft':
        return render(request, 'mons_hr_career/portal_envoyee.html',
            applicant=applicant, opening=_opening_view(applicant.opening),
            received=date_fr(applicant.received_date),
            state=_(STATES[applicant.state])
            if applicant.state in STATES else '',
            sent=bool(request.args.get('envoyee')), active='emplois')
    # A draft is finished only while the opening still takes applications
    opening = _visible_opening(pool, applicant.opening.id)
    if opening is None:
        return _not_found(request, _("Offre fermée"),
            _("Cette offre ne reçoit plus de candidatures. Votre brouillon "
                "sera effacé."))
    return _application(request, pool, opening, applicant, token)


def _link(request, token):
    return public_url() + portal_url(request, f'emplois/candidature/{token}')


def _application(request, pool, opening, applicant=None, token=None):
    Applicant = pool.get('hr.applicant')
    Configuration = pool.get('hr.recruitment.configuration')
    config = Configuration(1)
    max_bytes = config.get_cv_max_bytes()
    with acting_as(pool, anonymous_user_id(pool),
            language=current_language()):
        view = _opening_view(opening)
    notice = notice_kind = None
    if request.method == 'POST':
        check_csrf(request)
        form = Form(request.form)
        sending = request.form.get('action') != 'enregistrer'
        values = _read(form, sending)
        file = request.files.get('cv')
        chosen = bool(file and file.filename)
        try:
            upload = check_upload(file, max_bytes, CV_TYPES)
        except UploadError as exception:
            form.error('cv', exception.message)
            upload = None
        if upload:
            values['cv'] = upload.data
            values['cv_name'] = upload.filename
        if form.valid:
            old_email = applicant.email_key if applicant else None
            try:
                draft, new_token = Applicant.save_draft(
                    opening, values, applicant)
                token = new_token or token
                if sending:
                    Applicant.submit([draft])
            except UserError as exception:
                Transaction().rollback()
                notice, notice_kind = exception.message, 'error'
            else:
                if sending:
                    return redirect(request,
                        f'emplois/candidature/{token}?envoyee=1')
                if new_token or draft.email_key != old_email:
                    draft.send_resume_link(_link(request, token))
                return redirect(request,
                    f'emplois/candidature/{token}?enregistree=1')
        elif chosen and 'cv' not in form.errors:
            # A browser never fills a file field again
            form.error('cv', _("Votre fichier n'a pas été gardé à cause "
                    "des autres erreurs : choisissez-le à nouveau."))
    elif applicant is not None:
        form = Form({
                'name': '' if applicant.name == '?' else applicant.name,
                'email': applicant.email or '',
                'phone': applicant.phone or '',
                'experience_text': applicant.experience_text or '',
                })
        if request.args.get('enregistree'):
            notice = _("Votre candidature est enregistrée. Vous pouvez la "
                "terminer maintenant ou plus tard avec le lien ci-dessous.")
    else:
        form = Form()
    return render(request, 'mons_hr_career/portal_candidature.html',
        form=form, opening=view,
        labels={k: _(v) for k, v in LABELS.items()}, notice=notice,
        notice_kind=notice_kind,
        link=_link(request, token) if token else None,
        cv_name=applicant.cv_name if applicant else None,
        cv_limit=config.cv_max_size,
        retention=config.get_retention_months(),
        action_url=portal_url(request, f'emplois/candidature/{token}'
            if token else f'emplois/{opening.id}/postuler'),
        status=400 if form.errors or notice_kind else 200,
        active='emplois')


def _read(form, sending):
    "Values of the form, with the errors of what the person typed"
    values = {}
    for name, length in MAX_LENGTHS.items():
        value = form.get(name)
        if len(value) > length:
            form.error(name, _("Écrivez %(length)s caractères au plus.",
                    length=length))
        values[name] = value or None
    email, phone = values['email'], values['phone']
    if email and not norm_email(email):
        form.error('email', 'email')
    if phone and not norm_phone(phone):
        form.error('phone', _("Indiquez un numéro de téléphone valide, "
                "par exemple 0470 12 34 56."))
    if sending:
        if not values['name']:
            form.error('name', _("Indiquez votre nom et votre prénom."))
        if not email and not phone:
            form.error('phone', _("Indiquez un numéro de téléphone ou une "
                    "adresse e-mail : sans l'un des deux, nous ne pouvons "
                    "pas vous répondre."))
    return values


# N_: translated when the home page is drawn, in the visitor's language
register_link(N_("Offres d'emploi"),
    'emplois', N_("Postulez à un emploi de la commune ou de ses "
        "organisations, depuis votre téléphone, sans CV si vous n'en avez "
        "pas."), sequence=40)
register_dashboard_count()
