"""Phone-sized self-service pages of the staff under /<db>/portal/pointage.

Staff sign in with their desk login; the pages keep a Tryton session
(ir.session) in an HTTP-only cookie and act as that user through
mons_base's ``acting_as``, so the access rights and record rules of the
desk apply unchanged.

One task per page, as a phone shows one thing at a time:

    'pointage'                  clock in or out, today's clockings
    'pointage/anomalies'        open anomalies, one link each to correct it
    'pointage/correction?anomalie=' the correction request of one anomaly
    'pointage/soldes'           balances and recent requests
    'pointage/conge'            leave request
    'pointage/teletravail'      telework request

Every form follows the GOV.UK error pattern of the portal (mons_base
forms.html): the values typed are kept and each error sits by its field.
"""
import datetime as dt

from trytond.exceptions import RateLimitException, UserError
from trytond.transaction import Transaction

from trytond.modules.mons_base.caller import acting_as
from trytond.modules.mons_base.portal import (
    Form, check_csrf, redirect, register_link, render, route)

COOKIE = 'mons_pointage'
NOTICES = {
    'in': "Entrée pointée.",
    'out': "Sortie pointée.",
    'conge': "Demande de congé envoyée pour approbation.",
    'teletravail': "Demande de télétravail envoyée pour approbation.",
    'correction': "Demande de correction envoyée à votre responsable.",
    }


def _cookie_path(request):
    return f'{request.script_root}/{request.view_args["database_name"]}' \
        '/portal/pointage'


def _staff_user(request, pool):
    Session = pool.get('ir.session')
    value = request.cookies.get(COOKIE, '')
    user_id, _, key = value.partition(':')
    if not user_id.isdigit() or not key:
        return None
    if Session.check(int(user_id), key):
        return int(user_id)
    return None


def _hours(seconds):
    if seconds is None:
        return "—"
    sign = '-' if seconds < 0 else ''
    seconds = abs(int(seconds))
    return f'{sign}{seconds // 3600} h {seconds % 3600 // 60:02d}'


def _today(employee):
    from .attendance import local_datetime
    now = dt.datetime.utcnow()
    return local_datetime(now, employee.company).date() if employee \
        else now.date()


def _parse_date(value):
    "A date typed as the browser sends it (ISO) or as people write it"
    value = (value or '').strip()
    for parse in (dt.date.fromisoformat,
            lambda v: dt.datetime.strptime(v, '%d/%m/%Y').date()):
        try:
            return parse(value)
        except ValueError:
            continue
    return None


def _parse_time(value):
    value = (value or '').strip().replace('h', ':').replace('H', ':')
    if value.endswith(':'):
        value += '00'
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


def staff_page(func):
    """The page runs as the staff user of the cookie; without one, the
    login page (GET) or back to it (POST)"""
    def wrapper(request, pool, **kwargs):
        user_id = _staff_user(request, pool)
        if not user_id:
            if request.method == 'POST':
                return redirect(request, 'pointage')
            return render(request, 'mons_hr_time/pointage_login.html',
                form=Form())
        if request.method == 'POST':
            check_csrf(request)
        User = pool.get('res.user')
        with acting_as(pool, user_id):
            user = User(user_id)
            if not user.employee and func.__name__ != 'pointage':
                return redirect(request, 'pointage')
            return func(request, pool, user, **kwargs)
    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    wrapper.__wrapped__ = func
    return wrapper


def _render(request, template, user, **context):
    return render(request, f'mons_hr_time/{template}', user=user,
        employee=user.employee, hours=_hours, **context)


def _open_anomalies(pool, employee):
    Anomaly = pool.get('attendance.anomaly')
    # Closed months are frozen: only open days can be corrected
    return Anomaly.search([
            ('employee', '=', employee.id),
            ('state', '=', 'open'),
            ('day.state', '=', 'open'),
            ], order=[('date', 'DESC'), ('id', 'ASC')])


def _kinds(pool):
    Anomaly = pool.get('attendance.anomaly')
    return dict(Anomaly.fields_get(['kind'])['kind']['selection'])


@route('/pointage', methods=['GET'], readonly=False)
@staff_page
def pointage(request, pool, user):
    "Clock in or out, and what today looks like"
    return _home(request, pool, user,
        notice=NOTICES.get(request.args.get('fait', '')))


def _home(request, pool, user, status=200, **context):
    from .attendance import local_datetime
    Line = pool.get('attendance.line')
    Day = pool.get('attendance.day')
    employee = user.employee
    if employee:
        today = _today(employee)
        lines = Line.search([('employee', '=', employee.id),
                ('date', '=', today)], order=[('at', 'ASC')])
        days = Day.search([('employee', '=', employee.id),
                ('date', '=', today)])
        context.update(today=today, day=days[0] if days else None,
            lines=[(local_datetime(l.at, l.company), l) for l in lines],
            anomaly_count=len(_open_anomalies(pool, employee)))
    return _render(request, 'pointage.html', user, active='pointage',
        status=status, **context)


@route('/pointage/pointer', methods=['POST'], readonly=False)
@staff_page
def pointage_clock(request, pool, user):
    Line = pool.get('attendance.line')
    direction = request.form.get('direction')
    if direction not in {'in', 'out'}:
        direction = 'unknown'
    try:
        result = Line.clock_self(direction)
    except UserError as exception:
        Transaction().rollback()
        return _home(request, pool, user, status=400,
            notice=exception.message, notice_kind='error')
    return redirect(request, f'pointage?fait={result["type"]}')


@route('/pointage/anomalies', methods=['GET'], readonly=False)
@staff_page
def pointage_anomalies(request, pool, user, notice=None, notice_kind=None):
    "The open anomalies, each with its own correction link"
    from trytond.modules.mons_base.portal_render import date_fr
    anomalies = _open_anomalies(pool, user.employee)
    kinds = _kinds(pool)
    dates = [a.date for a in anomalies]
    items = []
    for anomaly in anomalies:
        # The link's name tells the anomaly apart from the others
        action = "Demander la correction du " + date_fr(
            anomaly.date, year=False)
        if dates.count(anomaly.date) > 1:
            action += f" ({kinds.get(anomaly.kind, '').lower()})"
        items.append((anomaly, kinds.get(anomaly.kind, anomaly.kind), action))
    # Months, the latest first and open, the older ones folded
    months = []
    for item in items:
        month = (item[0].date.year, item[0].date.month)
        if not months or months[-1][0] != month:
            months.append((month, []))
        months[-1][1].append(item)
    return _render(request, 'pointage_anomalies.html', user,
        months=[(date_fr(dt.date(y, m, 1), year=True).split(' ', 1)[1],
                month_items) for (y, m), month_items in months],
        items=items, active='anomalies', notice_kind=notice_kind,
        notice=notice or NOTICES.get(request.args.get('fait', '')))


@route('/pointage/correction', methods=['GET', 'POST'], readonly=False)
@staff_page
def pointage_correction(request, pool, user):
    "The correction request of one open anomaly"
    from .attendance import to_utc
    Correction = pool.get('attendance.correction')
    employee = user.employee
    ref = (request.values.get('anomalie') or '').strip()
    anomalies = [a for a in _open_anomalies(pool, employee)
        if ref.isdigit() and a.id == int(ref)]
    if not anomalies:
        if request.method == 'POST':
            # Asked twice, or not one of the user's open anomalies
            response = pointage_anomalies.__wrapped__(request, pool, user,
                notice="Cette anomalie n'est plus ouverte.",
                notice_kind='error')
            response.status_code = 400
            return response
        return redirect(request, 'pointage/anomalies')
    anomaly, = anomalies
    needs_time = anomaly.kind in {'missing_out', 'missing_in'}
    form = Form(request.form if request.method == 'POST' else None)
    if request.method == 'POST':
        form.require('reason')
        at = None
        if needs_time:
            time = _parse_time(form.get('time'))
            if not form.get('time'):
                form.error('time', 'required')
            elif time is None:
                form.error('time', 'time')
            else:
                at = to_utc(_correction_at(anomaly, time))
        if form.valid:
            values = {'employee': employee.id, 'anomaly': anomaly.id,
                'reason': form.get('reason'), 'kind': 'justify'}
            if needs_time:
                values.update(kind='add', at=at,
                    direction='out' if anomaly.kind == 'missing_out'
                    else 'in')
            try:
                correction, = Correction.create([values])
                Correction.request([correction])
            except UserError as exception:
                Transaction().rollback()
                form.error('time' if needs_time else 'reason',
                    exception.message)
            else:
                return redirect(request, 'pointage/anomalies?fait=correction')
    return _render(request, 'pointage_correction.html', user,
        anomaly=anomaly, kind=_kinds(pool).get(anomaly.kind, anomaly.kind),
        needs_time=needs_time, form=form, active='anomalies',
        status=400 if form.errors else 200)


def _correction_at(anomaly, time):
    "Local date-time of the missing clocking of an anomaly's day"
    from trytond.tools import timezone as tz

    from .attendance import local_datetime
    lines = anomaly.day.lines
    company = anomaly.day.company
    zone = tz.ZoneInfo(company.timezone) if company.timezone else tz.UTC
    at = dt.datetime.combine(anomaly.date, time, tzinfo=zone)
    if lines and anomaly.kind == 'missing_out':
        # A clock-out earlier than the day's clockings ends a night shift
        last = local_datetime(max(l.at for l in lines), company)
        if at < last:
            at += dt.timedelta(days=1)
    return at


@route('/pointage/soldes', methods=['GET'], readonly=False)
@staff_page
def pointage_balances(request, pool, user):
    "Balances and the latest requests"
    Leave = pool.get('attendance.leave')
    Telework = pool.get('attendance.telework')
    employee = user.employee
    return _render(request, 'pointage_soldes.html', user, active='soldes',
        balances={
            'leave': employee.leave_balance,
            'recovery': employee.recovery_balance,
            'flexitime': employee.flexitime_balance,
            },
        leaves=Leave.search([('employee', '=', employee.id)], limit=5),
        teleworks=Telework.search([('employee', '=', employee.id)], limit=5),
        states=dict(Leave.fields_get(['state'])['state']['selection']))


@route('/pointage/conge', methods=['GET', 'POST'], readonly=False)
@staff_page
def pointage_leave(request, pool, user):
    "Leave request"
    Leave = pool.get('attendance.leave')
    LeaveType = pool.get('attendance.leave.type')
    types = LeaveType.search([])
    form = Form(request.form if request.method == 'POST' else None)
    if request.method == 'POST':
        form.require('type', 'start')
        type_ = form.get('type')
        type_ = next((t for t in types if str(t.id) == type_), None)
        if form.get('type') and type_ is None:
            form.error('type', 'choice')
        start = _parse_date(form.get('start'))
        if form.get('start') and start is None:
            form.error('start', 'date')
        end = _parse_date(form.get('end')) if form.get('end') else start
        if form.get('end') and end is None:
            form.error('end', 'date')
        elif start and end and end < start:
            form.error('end', "La date de fin doit suivre la date de début.")
        if form.get('half') not in {'', 'morning', 'afternoon'}:
            form.error('half', 'choice')
        hours = None
        if form.get('hours'):
            try:
                hours = float(form.get('hours').replace(',', '.'))
            except ValueError:
                hours = None
            if hours is None or not 0 < hours <= 24:
                form.error('hours', "Indiquez un nombre d'heures entre 0 "
                    "et 24, par exemple 3,5.")
        if form.valid:
            values = {'employee': user.employee.id, 'type': type_.id,
                'start': start, 'end': end,
                'half': form.get('half') or None,
                'reason': form.get('reason') or None}
            if hours:
                values['hours'] = dt.timedelta(hours=hours)
            try:
                leave, = Leave.create([values])
                Leave.request([leave])
            except UserError as exception:
                Transaction().rollback()
                form.error('start', exception.message)
            else:
                return redirect(request, 'pointage?fait=conge')
    return _render(request, 'pointage_conge.html', user, form=form,
        type_options=[(t.id, t.name + (" (en heures)" if t.unit == 'hour'
                    else '')) for t in types],
        active='conge', status=400 if form.errors else 200)


@route('/pointage/teletravail', methods=['GET', 'POST'], readonly=False)
@staff_page
def pointage_telework(request, pool, user):
    "Telework request for one day"
    Telework = pool.get('attendance.telework')
    form = Form(request.form if request.method == 'POST' else None)
    if request.method == 'POST':
        form.require('date')
        day = _parse_date(form.get('date'))
        if form.get('date') and day is None:
            form.error('date', 'date')
        if form.valid:
            try:
                telework, = Telework.create([{'employee': user.employee.id,
                            'start': day, 'kind': 'occasional'}])
                Telework.request([telework])
            except UserError as exception:
                Transaction().rollback()
                form.error('date', exception.message)
            else:
                return redirect(request, 'pointage?fait=teletravail')
    return _render(request, 'pointage_teletravail.html', user, form=form,
        active='teletravail', status=400 if form.errors else 200)


@route('/pointage/connexion', methods=['POST'], readonly=False)
def pointage_login(request, pool):
    User = pool.get('res.user')
    Session = pool.get('ir.session')
    check_csrf(request)
    form = Form(request.form)
    form.require('login', 'password')
    user_id = None
    if form.valid:
        try:
            user_id = User.get_login(
                form.get('login'), {'password': form.data.get('password')})
        except RateLimitException:
            form.error('password', 'rate_limit')
        else:
            if not user_id:
                form.error('password',
                    "Identifiant ou mot de passe incorrect.")
    if not user_id:
        return render(request, 'mons_hr_time/pointage_login.html',
            status=400, form=form)
    with Transaction().set_user(user_id):
        key = Session.new()
    response = redirect(request, 'pointage')
    response.set_cookie(COOKIE, f'{user_id}:{key}',
        path=_cookie_path(request), httponly=True, secure=request.is_secure,
        samesite='Strict')
    return response


@route('/pointage/deconnexion', methods=['POST'], readonly=False)
def pointage_logout(request, pool):
    Session = pool.get('ir.session')
    check_csrf(request)
    value = request.cookies.get(COOKIE, '')
    _, _, key = value.partition(':')
    if key:
        Session.remove(key)
    response = redirect(request, 'pointage')
    response.delete_cookie(COOKIE, path=_cookie_path(request))
    return response


register_link("Pointage des agents", 'pointage',
    "Espace du personnel : pointer, consulter ses soldes et demander un "
    "congé, du télétravail ou la correction d'une anomalie.", sequence=900)
