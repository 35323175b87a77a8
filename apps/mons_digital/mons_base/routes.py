# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Web routes of the portal and of the OpenAPI description.

Portal pages (all under /<database_name>/portal/):
    ''                              home page listing the registered links
    'compte/'                       my account (login required)
    'compte/inscription'            register (GET, POST)
    'compte/valider?token='         validate the email (link of the email)
    'compte/confirmation'           send the validation email again (POST)
    'compte/connexion'              log in (GET, POST, ?next=)
    'compte/deconnexion'            log out (POST)
    'compte/mot-de-passe-oublie'    ask a reset password email (GET, POST)
    'compte/nouveau-mot-de-passe'   set a new password (?token=&email=)
    'accessibilite'                 accessibility statement (EU model)
    'vie-privee'                    privacy notice (GDPR)
    'logo'                          the main organisation's logo
    anything else                   French 404 / 405 (portal_errors)
"""
from http import HTTPStatus
from types import SimpleNamespace

from werkzeug.exceptions import NotFound

from trytond.config import config
from trytond.exceptions import RateLimitException, UserError
from trytond.protocols.wrappers import Response
from trytond.transaction import without_check_access

from . import errors, http_headers
from .portal_i18n import (
    current_language, gettext as _, ngettext as ngettext_)
from .municipality import identity
from . import openapi  # noqa: F401 — registers /<db>/rest/openapi.json
from . import portal_errors  # noqa: F401 — French 404 and 405 pages
from . import rest_guard  # noqa: F401 — guards trytond's REST endpoints
from .portal import (
    Form, _safe_next, check_csrf, links, login, login_required, logout,
    redirect, render, route)

# Request ids, French error answers, logged faults (every route)
errors.install()
# Security headers on every answer, error answers included
http_headers.install()


def _password_length():
    return config.getint('password', 'length', default=0) or 8


def _check_password(pool, form, email='', name=''):
    "Apply res.user's password policy; web.user skips it for root"
    password = form.data.get('password', '')
    if not password:
        form.error('password', 'required')
        return None
    if password != form.data.get('password_confirm', ''):
        form.error('password_confirm', 'mismatch')
    User = pool.get('res.user')
    try:
        User.validate_password(
            password, [SimpleNamespace(email=email, name=name, login='')])
    except UserError as exception:
        form.error('password', exception.message)
    return password


@route('/', methods=['GET'])
def home(request, pool):
    return render(request, 'mons_base/home.html',
        links=links(request, pool), active='home')


@route('/logo', methods=['GET'])
def logo(request, pool):
    "The main organisation's logo (from the site's reference folder)"
    Company = pool.get('company.company')
    organisation = identity()['organisation_id']
    with without_check_access():
        data = Company(organisation).logo if organisation else None
    if not data:
        raise NotFound()
    data = bytes(data)
    # the company's logo is an image Pillow opened: PNG or JPEG here
    kind = 'image/png' if data.startswith(b'\x89PNG') else 'image/jpeg'
    response = Response(data, content_type=kind)
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response


def _contacts():
    "Contact addresses the site sets in trytond.conf ([portal] section)"
    email = identity()['email']
    return {
        'contact_email': config.get('portal', 'contact_email', default='')
        or email,
        'accessibility_email': config.get(
            'portal', 'accessibility_email', default='')
        or config.get('portal', 'contact_email', default='') or email,
        'dpo_email': config.get('portal', 'dpo_email', default=''),
        }


@route('/accessibilite', methods=['GET'])
def accessibility(request, pool):
    return render(request, 'mons_base/accessibility.html',
        active='accessibility', **_contacts())


@route('/vie-privee', methods=['GET'])
def privacy(request, pool):
    return render(request, 'mons_base/privacy.html',
        active='privacy', **_contacts())


@route('/compte/', methods=['GET'])
@login_required
def account(request, pool):
    notice = None
    if request.args.get('inscription'):
        notice = _("Votre compte est créé. Un courriel de confirmation vous "
            "a été envoyé.")
    elif request.args.get('confirmation'):
        notice = _("Un nouveau lien de confirmation vous a été envoyé.")
    return render(request, 'mons_base/account/account.html',
        links=links(request, pool, account=True), active='account',
        notice=notice)


@route('/compte/inscription', methods=['GET', 'POST'])
def register(request, pool):
    WebUser = pool.get('web.user')
    Party = pool.get('party.party')
    Lang = pool.get('ir.lang')
    if request.web_user:
        return redirect(request, 'compte/')
    form = Form(request.form if request.method == 'POST' else None)
    if request.method == 'POST':
        check_csrf(request)
        form.require('name')
        name = form.get('name')
        email = form.email()
        password = _check_password(pool, form, email or '', name)
        if email and WebUser.search([('email', '=', email)]):
            form.error('email', 'email_taken')
        if form.valid:
            # the account's language is the one the citizen chose
            langs = Lang.search(
                [('code', '=', current_language())], limit=1)
            party = Party(name=name, lang=langs[0] if langs else None)
            party.contact_mechanisms = [{'type': 'email', 'value': email}]
            party.save()
            user = WebUser(email=email, party=party)
            user.save()
            # After save: the setter hashes and needs a record id
            WebUser.write([user], {'password': password})
            WebUser.validate_email([user])
            response = redirect(request, 'compte/?inscription=1')
            return login(request, response, user)
    return render(request, 'mons_base/account/register.html',
        form=form, active='register', password_length=_password_length(),
        status=400 if form.errors else 200)


@route('/compte/valider', methods=['GET'], readonly=False)
def validate(request, pool):
    WebUser = pool.get('web.user')
    token = request.args.get('token')
    users = WebUser.validate_email_token([token]) if token else []
    return render(request, 'mons_base/account/validate.html',
        validated=bool(users), status=200 if users else 404)


@route('/compte/confirmation', methods=['POST'])
@login_required
def resend_validation(request, pool):
    check_csrf(request)
    WebUser = pool.get('web.user')
    user = request.web_user
    if not user.email_valid:
        WebUser.validate_email([user])
    return redirect(request, 'compte/?confirmation=1')


def _throttled(form, field, exception):
    """Show on field how long the visitor waits after too many failed
    attempts; returns the seconds to wait (for Retry-After)"""
    seconds = getattr(exception, 'retry_after', None) or 60
    minutes = max(1, -(-seconds // 60))
    form.error(field, ngettext_(
            "Trop de tentatives depuis cette adresse. Réessayez dans "
            "%(num)s minute, ou réinitialisez votre mot de passe avec "
            "« Mot de passe oublié ? ».",
            "Trop de tentatives depuis cette adresse. Réessayez dans "
            "%(num)s minutes, ou réinitialisez votre mot de passe avec "
            "« Mot de passe oublié ? ».", minutes))
    return seconds


@route('/compte/connexion', methods=['GET', 'POST'])
def login_page(request, pool):
    WebUser = pool.get('web.user')
    next_ = _safe_next(
        request, request.values.get('next') or '') if (
        request.values.get('next')) else None
    form = Form(request.form if request.method == 'POST' else None)
    throttled = None
    if request.method == 'POST':
        check_csrf(request)
        email = form.email()
        password = form.data.get('password', '')
        if not password:
            form.error('password', 'required')
        if form.valid:
            try:
                user = WebUser.authenticate(email, password)
            except RateLimitException as exception:
                throttled = _throttled(form, 'password', exception)
            else:
                if user:
                    response = redirect(
                        request, next_ or _safe_next(request, '')
                        + 'compte/')
                    return login(request, response, user)
                form.error('password', 'login_failed')
    notice = None
    if throttled:
        return render(request, 'mons_base/account/login.html',
            form=form, next=next_ or '', active='login',
            status=HTTPStatus.TOO_MANY_REQUESTS,
            headers={'Retry-After': str(throttled)})
    if request.args.get('reinitialise'):
        notice = _("Votre mot de passe a été modifié. Vous pouvez vous "
            "connecter.")
    return render(request, 'mons_base/account/login.html',
        form=form, next=next_ or '', active='login', notice=notice,
        status=400 if form.errors else 200)


@route('/compte/deconnexion', methods=['POST'])
def logout_page(request, pool):
    check_csrf(request)
    return logout(request, pool, redirect(request, ''))


@route('/compte/mot-de-passe-oublie', methods=['GET', 'POST'])
def reset_request(request, pool):
    WebUser = pool.get('web.user')
    form = Form(request.form if request.method == 'POST' else None)
    sent = False
    if request.method == 'POST':
        check_csrf(request)
        email = form.email()
        if form.valid:
            users = WebUser.search([('email', '=', email)])
            if users:
                WebUser.reset_password(users)
            # Same answer whether the account exists or not
            sent = True
    return render(request, 'mons_base/account/reset_request.html',
        form=form, sent=sent, status=400 if form.errors else 200)


@route('/compte/nouveau-mot-de-passe', methods=['GET', 'POST'])
def reset_password(request, pool):
    WebUser = pool.get('web.user')
    if request.method == 'POST':
        form = Form(request.form)
        check_csrf(request)
        email = form.email()
        token = form.get('token')
        password = _check_password(pool, form, email or '')
        if not token:
            form.error('token', 'token_invalid')
        if form.valid:
            try:
                if WebUser.set_password_token(email, token, password):
                    return redirect(
                        request, 'compte/connexion?reinitialise=1')
            except RateLimitException as exception:
                seconds = _throttled(form, 'token', exception)
                return render(
                    request, 'mons_base/account/reset_password.html',
                    form=form, password_length=_password_length(),
                    status=HTTPStatus.TOO_MANY_REQUESTS,
                    headers={'Retry-After': str(seconds)})
            form.error('token', 'token_invalid')
    else:
        form = Form({
                'token': request.args.get('token', ''),
                'email': request.args.get('email', ''),
                })
    return render(request, 'mons_base/account/reset_password.html',
        form=form, password_length=_password_length(),
        status=400 if form.errors else 200)
