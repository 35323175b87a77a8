"""Phone-sized self-service page of the staff: /<db>/portal/pointage.

Staff sign in with their desk login; the page keeps a Tryton session
(ir.session) in an HTTP-only cookie and acts as that user, so the access
rights and record rules of the desk apply unchanged."""
import contextlib
import datetime as dt

from trytond.exceptions import RateLimitException, UserError
from trytond.transaction import Transaction

from trytond.modules.mons_base.portal import (
    check_csrf, redirect, register_link, render, route)

COOKIE = 'mons_pointage'


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


@contextlib.contextmanager
def _as_user(pool, user_id):
    User = pool.get('res.user')
    transaction = Transaction()
    with transaction.set_user(user_id):
        context = User.get_preferences(context_only=True)
    context.pop('language', None)
    with transaction.set_user(user_id), \
            transaction.set_context(context, _check_access=True):
        yield User(user_id)


def _hours(seconds):
    if seconds is None:
        return "—"
    sign = '-' if seconds < 0 else ''
    seconds = abs(int(seconds))
    return f'{sign}{seconds // 3600}h{seconds % 3600 // 60:02d}'


def _page(request, pool, user_id, notice=None, notice_kind=None,
        status=200):
    Line = pool.get('attendance.line')
    Day = pool.get('attendance.day')
    Leave = pool.get('attendance.leave')
    LeaveType = pool.get('attendance.leave.type')
    Telework = pool.get('attendance.telework')
    Anomaly = pool.get('attendance.anomaly')
    with _as_user(pool, user_id) as user:
        employee = user.employee
        today = dt.date.today()
        context = {'user': user, 'employee': employee, 'hours': _hours,
            'today': today}
        if employee:
            context['lines'] = Line.search([('employee', '=', employee.id),
                    ('date', '=', today)], order=[('at', 'ASC')])
            days = Day.search([('employee', '=', employee.id),
                    ('date', '=', today)])
            context['day'] = days[0] if days else None
            context['leaves'] = Leave.search(
                [('employee', '=', employee.id)], limit=5)
            context['teleworks'] = Telework.search(
                [('employee', '=', employee.id)], limit=5)
            context['leave_types'] = LeaveType.search([])
            # Closed months are frozen: only open days can be corrected
            context['anomalies'] = Anomaly.search([
                    ('employee', '=', employee.id),
                    ('state', '=', 'open'),
                    ('day.state', '=', 'open'),
                    ], limit=10)
            context['balances'] = {
                'leave': employee.leave_balance,
                'recovery': employee.recovery_balance,
                'flexitime': employee.flexitime_balance,
                }
            context['states'] = dict(
                Leave.fields_get(['state'])['state']['selection'])
            context['local_time'] = lambda line: _local(line)
        return render(request, 'mons_hr_time/pointage.html',
            status=status, notice=notice, notice_kind=notice_kind,
            **context)


def _local(line):
    from .attendance import local_datetime
    return local_datetime(line.at, line.company).strftime('%H:%M')


@route('/pointage', methods=['GET'], readonly=False)
def pointage(request, pool):
    user_id = _staff_user(request, pool)
    if not user_id:
        return render(request, 'mons_hr_time/pointage_login.html')
    return _page(request, pool, user_id)


@route('/pointage/connexion', methods=['POST'], readonly=False)
def pointage_login(request, pool):
    User = pool.get('res.user')
    Session = pool.get('ir.session')
    check_csrf(request)
    login = (request.form.get('login') or '').strip()
    password = request.form.get('password') or ''
    try:
        user_id = User.get_login(login, {'password': password}) \
            if login and password else None
    except RateLimitException:
        user_id = None
    if not user_id:
        return render(request, 'mons_hr_time/pointage_login.html',
            status=400, login=login, notice_kind='error',
            notice="Identifiant ou mot de passe incorrect.")
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


def _action(request, pool, func):
    user_id = _staff_user(request, pool)
    if not user_id:
        return redirect(request, 'pointage')
    check_csrf(request)
    try:
        with _as_user(pool, user_id) as user:
            notice = func(user)
    except UserError as exception:
        Transaction().rollback()
        return _page(request, pool, user_id, status=400,
            notice=exception.message, notice_kind='error')
    return _page(request, pool, user_id, notice=notice)


@route('/pointage/pointer', methods=['POST'], readonly=False)
def pointage_clock(request, pool):
    Line = pool.get('attendance.line')
    direction = request.form.get('direction')
    if direction not in {'in', 'out'}:
        direction = 'unknown'

    def clock(user):
        result = Line.clock_self(direction)
        return ("Entrée pointée." if result['type'] == 'in'
            else "Sortie pointée.")
    return _action(request, pool, clock)


def _date(value):
    try:
        return dt.date.fromisoformat(value or '')
    except ValueError:
        raise UserError(f"La date « {value} » n'est pas valide.")


@route('/pointage/conge', methods=['POST'], readonly=False)
def pointage_leave(request, pool):
    Leave = pool.get('attendance.leave')
    form = request.form

    def request_leave(user):
        start = _date(form.get('start'))
        end = _date(form.get('end') or form.get('start'))
        values = {'employee': user.employee.id,
            'type': int(form.get('type') or 0) or None,
            'start': start, 'end': end,
            'half': form.get('half') or None,
            'reason': form.get('reason') or None}
        if form.get('hours'):
            try:
                values['hours'] = dt.timedelta(
                    hours=float(form['hours'].replace(',', '.')))
            except ValueError:
                raise UserError("Le nombre d'heures n'est pas valide.")
        leave, = Leave.create([values])
        Leave.request([leave])
        return "Demande de congé envoyée pour approbation."
    return _action(request, pool, request_leave)


@route('/pointage/teletravail', methods=['POST'], readonly=False)
def pointage_telework(request, pool):
    Telework = pool.get('attendance.telework')
    form = request.form

    def request_telework(user):
        day = _date(form.get('date'))
        telework, = Telework.create([{'employee': user.employee.id,
                    'start': day, 'kind': 'occasional'}])
        Telework.request([telework])
        return "Demande de télétravail envoyée pour approbation."
    return _action(request, pool, request_telework)


@route('/pointage/correction', methods=['POST'], readonly=False)
def pointage_correction(request, pool):
    Anomaly = pool.get('attendance.anomaly')
    Correction = pool.get('attendance.correction')
    form = request.form

    def request_correction(user):
        anomaly_id = form.get('anomaly') or ''
        anomalies = Anomaly.search([
                ('id', '=', int(anomaly_id) if anomaly_id.isdigit() else -1),
                ('employee', '=', user.employee.id),
                ('state', '=', 'open'),
                ])
        if not anomalies:
            raise UserError("Cette anomalie n'est plus ouverte.")
        anomaly, = anomalies
        reason = (form.get('reason') or '').strip()
        if not reason:
            raise UserError("Le motif de la demande est obligatoire.")
        values = {'employee': user.employee.id, 'anomaly': anomaly.id,
            'reason': reason, 'kind': 'justify'}
        if anomaly.kind in {'missing_out', 'missing_in'}:
            values.update(kind='add', at=_correction_at(anomaly,
                    form.get('time')),
                direction='out' if anomaly.kind == 'missing_out' else 'in')
        correction, = Correction.create([values])
        Correction.request([correction])
        return "Demande de correction envoyée à votre responsable."
    return _action(request, pool, request_correction)


def _correction_at(anomaly, value):
    "Stored time of the missing clocking of an anomaly's day"
    from trytond.tools import timezone as tz

    from .attendance import local_datetime, to_utc
    try:
        time = dt.time.fromisoformat(value or '')
    except ValueError:
        raise UserError(f"L'heure « {value or ''} » n'est pas valide.")
    lines = anomaly.day.lines
    company = anomaly.day.company
    zone = tz.ZoneInfo(company.timezone) if company.timezone else tz.UTC
    at = dt.datetime.combine(anomaly.date, time, tzinfo=zone)
    if lines and anomaly.kind == 'missing_out':
        # A clock-out earlier than the day's clockings ends a night shift
        last = local_datetime(max(l.at for l in lines), company)
        if at < last:
            at += dt.timedelta(days=1)
    return to_utc(at)


register_link("Pointage des agents", 'pointage',
    "Espace du personnel : pointer, consulter ses soldes et demander un "
    "congé, du télétravail ou la correction d'une anomalie.", sequence=900)
