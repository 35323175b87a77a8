"""Portal pages of the mailing lists (under /<database_name>/portal/):

    'listes/'                 public lists and the subscription form (GET, POST)
    'listes/confirmer?token=' confirmation link of the double opt-in
    'listes/desabonner?token=' unsubscribe link of every email, honoured at
                              once (GET) and one-click unsubscribe (POST,
                              RFC 8058, sent by mail clients without a form)
    'listes/preferences?token=' the subscriptions of one address (GET, POST)
"""
from trytond.exceptions import UserError
from trytond.modules.mons_base.portal import (
    Form, check_csrf, register_link, render, route)
from trytond.modules.mons_base.portal_i18n import N_, gettext as _
from trytond.transaction import Transaction, inactive_records


def _by_token(pool, token):
    Email = pool.get('marketing.email')
    if not token:
        return None
    with inactive_records():
        records = Email.search([('email_token', '=', token)], limit=1)
    return records[0] if records else None


@route('/listes/', methods=['GET', 'POST'])
def lists(request, pool):
    EmailList = pool.get('marketing.email.list')
    public = EmailList.search([('public', '=', True)], order=[('name', 'ASC')])
    form = Form(request.form if request.method == 'POST' else None)
    done = False
    if request.method == 'POST':
        check_csrf(request)
        chosen = {int(i) for i in form.getlist('list') if i.isdigit()}
        chosen = [l for l in public if l.id in chosen]
        if not chosen:
            form.error('list', _("Choisissez au moins une liste."))
        email = form.email()
        if form.valid:
            try:
                for list_ in chosen:
                    list_.public_subscribe(email,
                        ip_address=request.remote_addr)
            except UserError as exception:
                Transaction().rollback()
                form.error('email', exception.message)
            else:
                done = True
                form = Form()
    return render(request, 'mons_crm/lists.html', lists=public, form=form,
        options=[(l.id, l.name, l.description) for l in public],
        done=done, active='lists', status=400 if form.errors else 200)


@route('/listes/confirmer', methods=['GET'], readonly=False)
def confirm(request, pool):
    Email = pool.get('marketing.email')
    token = request.args.get('token')
    record = _by_token(pool, token)
    confirmed = bool(record) and Email.subscribe([token])
    return render(request, 'mons_crm/result.html',
        status=200 if confirmed else 404,
        title=_("Inscription confirmée") if confirmed
        else _("Lien non valable"),
        text=_("Votre inscription à la liste « %(list)s » est confirmée. "
            "Merci !", list=record.list_.name) if confirmed else _(
            "Ce lien de confirmation n'est pas valable."),
        preferences=record.email_token if confirmed else None)


@route('/listes/desabonner', methods=['GET', 'POST'], readonly=False)
def unsubscribe(request, pool):
    Email = pool.get('marketing.email')
    token = request.args.get('token') or request.form.get('token')
    record = _by_token(pool, token)
    if record is None:
        return render(request, 'mons_crm/result.html', status=404,
            title=_("Lien non valable"),
            text=_("Ce lien de désabonnement n'est pas valable."))
    if record.active:
        Email.unsubscribe([token])
    return render(request, 'mons_crm/result.html',
        title=_("Désabonnement enregistré"),
        text=_("L'adresse %(email)s ne recevra plus les envois de la liste "
            "« %(list)s ».", email=record.email, list=record.list_.name),
        preferences=record.email_token)


@route('/listes/preferences', methods=['GET', 'POST'], readonly=False)
def preferences(request, pool):
    Email = pool.get('marketing.email')
    token = request.args.get('token')
    record = _by_token(pool, token)
    if record is None:
        return render(request, 'mons_crm/result.html', status=404,
            title=_("Lien non valable"),
            text=_("Ce lien de gestion des abonnements n'est pas valable."))
    with inactive_records():
        subscriptions = Email.search([('email', '=', record.email)],
            order=[('list_.name', 'ASC')])
    saved = False
    if request.method == 'POST':
        check_csrf(request)
        keep = {int(i) for i in request.form.getlist('subscription')
            if i.isdigit()}
        stop = [s.email_token for s in subscriptions
            if s.active and s.id not in keep]
        again = [s.email_token for s in subscriptions
            if not s.active and s.id in keep]
        if stop:
            Email.unsubscribe(stop)
        if again:
            Email.subscribe(again)
        with inactive_records():
            subscriptions = Email.search([('email', '=', record.email)],
                order=[('list_.name', 'ASC')])
        saved = True
    return render(request, 'mons_crm/preferences.html', email=record.email,
        token=token, subscriptions=subscriptions, saved=saved)


# N_: translated when the home page is drawn, in the visitor's language
register_link(N_("Listes de diffusion"),
    'listes/', N_("Abonnez-vous aux informations de la Ville (culture, "
        "tourisme, événements) ou gérez vos abonnements."))
