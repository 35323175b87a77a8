# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Portal pages of the permit applications (under /<db>/portal/urbanisme).

    'urbanisme/demande'                       step 1: the type of permit
    'urbanisme/demande/<token>/<step>'        the next steps of a draft:
        type, pieces (what the type needs), demandeur (applicant and
        contact), lieu (location), documents (uploads), recapitulatif
        (review and submit)
    'urbanisme/demande/<token>/enregistree'   the link to come back later
    'urbanisme/demande/<token>/envoyee'       the acknowledgement
    'urbanisme/mes-dossiers'                  a citizen's files (account)

Every page acts as its visitor under Tryton's checks (portal_rights.py):
the anonymous visitor, or the portal user for a citizen signed in. The
secret token of the link is what the record rules of the application
match. Each form follows the portal's error pattern (mons_base
forms.html): a French message names the field, nothing typed is lost.
"""
import functools
import re
import secrets
from http import HTTPStatus

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.transaction import Transaction

from trytond.modules.mons_base.caller import acting_as, anonymous_user_id
from trytond.modules.mons_base.portal import (
    Form, UploadError, check_csrf, check_upload, login_required, redirect,
    register_link, render, route)
from trytond.modules.mons_base.portal_i18n import (
    N_, current_language, gettext as _)

from .application import (
    DOCUMENT_MAX_BYTES, DOCUMENT_TYPES, STEP_FIELDS, TOKEN_KEY, WEB_USER_KEY,
    normalise_capakey)
from .portal_rights import portal_user_id

BASE = 'urbanisme/demande'
STEPS = [
    ('type', N_("Type de demande")),
    ('pieces', N_("Ce qu'il vous faut")),
    ('demandeur', N_("Demandeur et contact")),
    ('lieu', N_("Lieu du projet")),
    ('documents', N_("Documents")),
    ('recapitulatif', N_("Vérification et envoi")),
    ]
STEP_NAMES = [s for s, _ in STEPS]
# Tokens are URL-safe base64 (secrets.token_urlsafe)
TOKEN = re.compile(r'^[A-Za-z0-9_-]{16,64}$')
MAX_REQUEST = 60 * 2 ** 20
# The fields as the pages name them (the messages repeat these labels,
# in the visitor's language: labels())
LABELS = {
    'applicant_name': N_("Nom et prénom"),
    'applicant_company': N_("Société"),
    'applicant_street': N_("Rue et numéro"),
    'applicant_postal_code': N_("Code postal"),
    'applicant_city': N_("Localité"),
    'applicant_email': N_("Adresse e-mail"),
    'applicant_phone': N_("Téléphone"),
    'location_street': N_("Adresse du projet"),
    'section': N_("Section"),
    'capakey': N_("Parcelle cadastrale (CaPaKey)"),
    'description': N_("Objet de la demande"),
    'works_start': N_("Début des travaux envisagé"),
    }


def labels():
    "LABELS in the language of the request"
    return {name: _(label) for name, label in LABELS.items()}


def as_visitor(func):
    """Run the page as its visitor: the citizen signed in (portal user)
    or the anonymous visitor, with the application link it follows"""
    @functools.wraps(func)
    def wrapper(request, pool, token=None, **kwargs):
        context = {}
        if token is not None:
            if not TOKEN.match(token):
                return _not_found(request)
            context[TOKEN_KEY] = token
        if request.web_user is not None:
            user_id = portal_user_id()
            context[WEB_USER_KEY] = request.web_user.id
        else:
            user_id = anonymous_user_id(pool)
        if request.method == 'POST':
            check_csrf(request)
        with acting_as(pool, user_id, language=current_language(),
                **context):
            if token is not None:
                kwargs['token'] = token
            return func(request, pool, **kwargs)
    return wrapper


def _not_found(request):
    return render(request, 'mons_permit/portal_result.html',
        status=HTTPStatus.NOT_FOUND, title=_("Lien non valable"),
        text=_("Ce lien ne mène à aucune demande en cours. Vérifiez "
            "l'adresse reçue ou commencez une nouvelle demande."),
        again=True)


def _application(pool, token):
    "The application of the link, as the record rules let the visitor see"
    Application = pool.get('permit.application')
    found = Application.search([('token', '=', token)], limit=1)
    return found[0] if found else None


def _portal_types(pool):
    Type = pool.get('permit.procedure_type')
    return Type.search([('online', '=', True)],
        order=[('code', 'ASC')])


def _step_url(token, step):
    return f'{BASE}/{token}/{step}'


def _next(step):
    return STEP_NAMES[STEP_NAMES.index(step) + 1]


def _render_step(request, step, application=None, form=None, status=None,
        **context):
    form = form or Form()
    if status is None:
        status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    index = STEP_NAMES.index(step)
    return render(request, f'mons_permit/portal_{step}.html',
        status=status, form=form, application=application, steps=STEPS,
        step=step, step_number=index + 1, step_count=len(STEPS),
        step_title=_(STEPS[index][1]), base=BASE, active='urbanisme',
        **context)


def _after_post(request, application, step, form):
    "Continue to the next step, or save and show the link to come back"
    if request.form.get('action') == 'save':
        application.__class__.send_link([application])
        return redirect(request, _step_url(application.token, 'enregistree'))
    return redirect(request, _step_url(application.token, _next(step)))


# -- step 1: the type, for a new application
@route(f'/{BASE}', methods=['GET', 'POST'])
@as_visitor
def start(request, pool):
    Application = pool.get('permit.application')
    types = _portal_types(pool)
    form = Form(request.form if request.method == 'POST' else None)
    if request.method == 'POST':
        chosen = _chosen_type(form, types)
        if form.valid:
            # The link's token is chosen here so that the record rules
            # (token of the link) let the visitor create it and read it
            token = secrets.token_urlsafe(24)
            with Transaction().set_context({TOKEN_KEY: token}):
                application, = Application.create([{
                            'procedure_type': chosen.id}])
            return _after_post(request, application, 'type', form)
    return _render_step(request, 'type', form=form, types=types)


def _chosen_type(form, types):
    value = form.get('procedure_type')
    chosen = [t for t in types if str(t.id) == value]
    if not chosen:
        form.error('procedure_type', gettext(
                'mons_permit.msg_application_type_required'))
        return None
    return chosen[0]


@route(f'/{BASE}/<token>/type', methods=['GET', 'POST'])
@as_visitor
def change_type(request, pool, token):
    application = _application(pool, token)
    if application is None:
        return _not_found(request)
    if application.state != 'draft':
        return redirect(request, _step_url(token, 'envoyee'))
    types = _portal_types(pool)
    form = Form(request.form if request.method == 'POST' else {
            'procedure_type': str(application.procedure_type.id)})
    if request.method == 'POST':
        chosen = _chosen_type(form, types)
        if form.valid:
            if chosen != application.procedure_type:
                application.procedure_type = chosen
                application.save()
            return _after_post(request, application, 'type', form)
    return _render_step(request, 'type', application, form, types=types)


def _draft_page(func):
    "A step of a draft application of the link"
    @functools.wraps(func)
    def wrapper(request, pool, token):
        application = _application(pool, token)
        if application is None:
            return _not_found(request)
        if application.state != 'draft':
            return redirect(request, _step_url(token, 'envoyee'))
        return func(request, pool, application)
    return wrapper


# -- step 2: what the type needs
@route(f'/{BASE}/<token>/pieces', methods=['GET', 'POST'])
@as_visitor
@_draft_page
def needs(request, pool, application):
    form = Form(request.form if request.method == 'POST' else None)
    if request.method == 'POST':
        return _after_post(request, application, 'pieces', form)
    return _render_step(request, 'pieces', application, form,
        documents=application.required_documents())


def _fields_form(request, application, step):
    "The form of a step: the values posted, or those of the application"
    if request.method == 'POST':
        return Form(request.form)
    values = {}
    for name in STEP_FIELDS[step]:
        value = getattr(application, name)
        if name == 'section':
            value = str(value.id) if value else ''
        elif name == 'works_start':
            value = value.strftime('%d/%m/%Y') if value else ''
        values[name] = value or ''
    return Form(values)


def _parse_date(value):
    import datetime as dt
    value = (value or '').strip()
    for parse in (lambda v: dt.datetime.strptime(v, '%d/%m/%Y').date(),
            dt.date.fromisoformat):
        try:
            return parse(value)
        except ValueError:
            continue
    return None


def _apply(pool, application, step, form):
    """Copy the values of the form onto the application (not saved) and
    put on the form what is wrong with them; required fields may wait
    when the visitor only saves"""
    Section = pool.get('mons.section')
    for name in STEP_FIELDS[step]:
        value = form.get(name)
        if name == 'section':
            sections = Section.search([('id', '=', int(value))]) \
                if value.isdigit() else []
            if value and not sections:
                form.error(name, gettext('mons_permit.msg_application_choice',
                        field=labels()[name]))
            value = sections[0] if sections else None
        elif name == 'works_start':
            date = _parse_date(value)
            if value and date is None:
                form.error(name, gettext('mons_permit.msg_application_date',
                        field=labels()[name]))
            value = date
        elif name == 'capakey':
            value = normalise_capakey(value)
        setattr(application, name, value or None)
    saving = form.get('action') == 'save'
    for name, message in application.errors_of(step, labels()).items():
        if saving and not getattr(application, name):
            continue
        form.error(name, message)


def _fields_step(step):
    def page(request, pool, application):
        form = _fields_form(request, application, step)
        if request.method == 'POST':
            _apply(pool, application, step, form)
            if form.valid:
                application.save()
                return _after_post(request, application, step, form)
        Section = pool.get('mons.section')
        sections = [('', _("Choisissez une section"))] + [(s.id, s.name)
            for s in Section.search([], order=[('name', 'ASC')])]
        return _render_step(request, step, application, form,
            sections=sections)
    page.__name__ = f'step_{step}'
    return page


applicant = route(f'/{BASE}/<token>/demandeur', methods=['GET', 'POST'])(
    as_visitor(_draft_page(_fields_step('demandeur'))))
location = route(f'/{BASE}/<token>/lieu', methods=['GET', 'POST'])(
    as_visitor(_draft_page(_fields_step('lieu'))))


# -- step 5: the documents
@route(f'/{BASE}/<token>/documents', methods=['GET', 'POST'],
    max_request_size=MAX_REQUEST)
@as_visitor
@_draft_page
def documents(request, pool, application):
    Document = pool.get('permit.application.document')
    form = Form(request.form if request.method == 'POST' else None)
    required = application.required_documents()
    if request.method == 'POST':
        kinds = {f'document_{k.id}': k for k in required}
        for name, kind in kinds.items():
            try:
                upload = check_upload(request.files.get(name),
                    DOCUMENT_MAX_BYTES, DOCUMENT_TYPES)
            except UploadError as exception:
                form.error(name, exception.message)
                continue
            if upload is None:
                continue
            # A new file replaces the one given before for that document
            Document.delete([d for d in application.documents
                    if d.document_type == kind])
            Document.create([{
                        'application': application.id,
                        'document_type': kind.id,
                        'name': upload.filename,
                        'data': upload.data,
                        'mimetype': upload.mimetype,
                        }])
        application = _application(pool, application.token)
        if form.get('action') != 'save':
            for name, message in application.errors_of(
                    'documents', labels()).items():
                form.error(name, message)
        if form.valid:
            return _after_post(request, application, 'documents', form)
    given = {d.document_type.id: d for d in application.documents
        if d.document_type}
    return _render_step(request, 'documents', application, form,
        documents=required, given=given, max_bytes=DOCUMENT_MAX_BYTES)


# -- step 6: review and submit
@route(f'/{BASE}/<token>/recapitulatif', methods=['GET', 'POST'])
@as_visitor
@_draft_page
def review(request, pool, application):
    Application = pool.get('permit.application')
    errors = application.errors_of(labels=labels())
    form = Form()
    if request.method == 'POST' and request.form.get('action') == 'save':
        Application.send_link([application])
        return redirect(request, _step_url(application.token, 'enregistree'))
    if request.method == 'POST' and not errors:
        try:
            Application.submit([application])
        except UserError as exception:
            Transaction().rollback()
            form.error('submit', exception.message)
        else:
            return redirect(request, _step_url(application.token, 'envoyee'))
    # Each error leads to the step where it is corrected
    links = {}
    for name, message in errors.items():
        step = next((s for s, names in STEP_FIELDS.items()
                if name in names), 'documents')
        links[name] = (_step_url(application.token, step), message)
    return _render_step(request, 'recapitulatif', application, form,
        status=HTTPStatus.BAD_REQUEST if request.method == 'POST' and (
            errors or form.errors) else HTTPStatus.OK,
        problems=links, documents=application.required_documents(),
        given={d.document_type.id: d for d in application.documents
            if d.document_type})


@route(f'/{BASE}/<token>/enregistree', methods=['GET'])
@as_visitor
def saved(request, pool, token):
    application = _application(pool, token)
    if application is None:
        return _not_found(request)
    return render(request, 'mons_permit/portal_saved.html',
        application=application, link=application.resume_url,
        active='urbanisme')


@route(f'/{BASE}/<token>/envoyee', methods=['GET'])
@as_visitor
def sent(request, pool, token):
    application = _application(pool, token)
    if application is None:
        return _not_found(request)
    if application.state != 'submitted':
        return redirect(request, _step_url(token, 'recapitulatif'))
    return render(request, 'mons_permit/portal_sent.html',
        application=application, active='urbanisme')


# -- a citizen's files
@route('/urbanisme/mes-dossiers', methods=['GET'])
@login_required
@as_visitor
def my_files(request, pool):
    File = pool.get('permit.file')
    Application = pool.get('permit.application')
    files = File.search([], order=[('deposit_date', 'DESC'), ('id', 'DESC')])
    drafts = Application.search([('state', '=', 'draft')])
    states = dict(File.fields_get(['state'])['state']['selection'])
    return render(request, 'mons_permit/portal_files.html', files=files,
        drafts=drafts, states=states, active='account', base=BASE)


@route('/urbanisme/mes-dossiers/<int:file_id>', methods=['GET'])
@login_required
@as_visitor
def my_file(request, pool, file_id):
    "One file of the citizen; another's is not found (record rules)"
    File = pool.get('permit.file')
    files = File.search([('id', '=', file_id)], limit=1)
    if not files:
        return render(request, 'mons_permit/portal_result.html',
            status=HTTPStatus.NOT_FOUND, title=_("Dossier introuvable"),
            text=_("Ce dossier n'existe pas ou n'est pas lié à votre "
                "compte."))
    states = dict(File.fields_get(['state'])['state']['selection'])
    return render(request, 'mons_permit/portal_file.html', file=files[0],
        states=states, active='account')


# N_: translated when the page is drawn, in the visitor's language
register_link(N_("Permis d'urbanisme : introduire une demande"), BASE,
    N_("Demandez un permis d'urbanisme, un certificat d'urbanisme, une "
        "déclaration de classe 3 ou notifiez une division, en ligne : vous "
        "pouvez enregistrer votre demande et la reprendre plus tard."),
    sequence=20)
register_link(N_("Mes dossiers d'urbanisme"), 'urbanisme/mes-dossiers',
    N_("L'état de vos demandes de permis et leur prochaine échéance."),
    sequence=20, account=True)
