"""Demo data of time management: devices, schedules, badges, leave types
and allocations, overtime rules, a Persée layout, and a month of clockings,
leave and telework for the demo staff."""
import datetime as dt
import random

from trytond.pool import Pool
from trytond.transaction import Transaction



def _get_or_create(Model, domain, values):
    records = Model.search(domain, limit=1)
    if records:
        return records[0]
    return Model.create([values])[0]


def _last_month(today):
    first = today.replace(day=1)
    end = first - dt.timedelta(days=1)
    return end.replace(day=1), end


def load_demo(rng):
    pool = Pool()
    Company = pool.get('company.company')
    Employee = pool.get('company.employee')
    Device = pool.get('hr.time.device')
    Schedule = pool.get('hr.time.schedule')
    Assignment = pool.get('hr.time.employee.schedule')
    Rule = pool.get('attendance.overtime.rule')
    LeaveType = pool.get('attendance.leave.type')
    Allocation = pool.get('attendance.leave.allocation')
    Configuration = pool.get('hr.time.configuration')
    PayCode = pool.get('hr.time.pay.code')
    Layout = pool.get('hr.time.payroll.layout')
    User = pool.get('res.user')

    # One generator per part so that a skipped part does not shift the next
    seeds = [rng.random() for _ in range(4)]
    rng = random.Random(seeds[0])
    companies = Company.search([])
    config = Configuration(1)
    if config.telework_max_week is None:
        Configuration.write([config], {'telework_max_week': 2,
                'telework_max_month': 8})

    devices = {}
    schedules = {}
    for company in companies:
        code = 'CPAS' if 'CPAS' in company.rec_name.upper() else 'VILLE'
        devices[company.id] = _get_or_create(Device,
            [('code', '=', f'{code}-HALL-1')], {
                'name': f"Hall d'entrée {code}", 'code': f'{code}-HALL-1',
                'kind': 'badge', 'company': company.id,
                'location': "Grand-Place, Mons" if code == 'VILLE'
                else "Rue de Bertaimont, Mons"})
        _get_or_create(Device, [('code', '=', f'{code}-BIO-1')], {
                'name': f"Terminal biométrique {code}",
                'code': f'{code}-BIO-1', 'kind': 'biometric',
                'company': company.id})
        _get_or_create(Rule, [('company', '=', company.id)], {
                'company': company.id, 'threshold': dt.timedelta(minutes=15),
                'daily_cap': dt.timedelta(hours=4),
                'weekly_cap': dt.timedelta(hours=12),
                'evening_start': dt.time(20)})
        fixed = _get_or_create(Schedule, [('code', '=', f'{code}-FIX')], {
                'name': "Horaire fixe 8h-16h30", 'code': f'{code}-FIX',
                'company': company.id, 'kind': 'fixed',
                'lines': [('create', [{'weekday': str(d), 'start': dt.time(8),
                                'end': dt.time(16, 30),
                                'break_duration': dt.timedelta(minutes=30)}
                            for d in range(5)])]})
        flexi = _get_or_create(Schedule, [('code', '=', f'{code}-VAR')], {
                'name': "Horaire variable 38h", 'code': f'{code}-VAR',
                'company': company.id, 'kind': 'flexitime',
                'band_start': dt.time(7), 'band_end': dt.time(19),
                'core_am_start': dt.time(9), 'core_am_end': dt.time(11, 30),
                'core_pm_start': dt.time(14), 'core_pm_end': dt.time(15, 30),
                'minimum_break': dt.timedelta(minutes=30),
                'balance_period': 'month',
                'carry_over_max': dt.timedelta(hours=10),
                'carry_over_min': dt.timedelta(hours=5),
                'lines': [('create', [{'weekday': str(d),
                                'target': dt.timedelta(hours=7, minutes=36)}
                            for d in range(5)])]})
        rota = _get_or_create(Schedule, [('code', '=', f'{code}-ROT')], {
                'name': "Équipes tournantes (2 semaines)",
                'code': f'{code}-ROT', 'company': company.id,
                'kind': 'fixed', 'cycle_weeks': 2,
                'cycle_start': dt.date(2024, 1, 1),
                'lines': [('create', [{'week': w, 'weekday': str(d),
                                'start': dt.time(6) if w == 1 else dt.time(13),
                                'end': dt.time(14) if w == 1 else dt.time(21),
                                'break_duration': dt.timedelta(minutes=30)}
                            for w in (1, 2) for d in range(5)])]})
        schedules[company.id] = (fixed, flexi, rota)

    leave_types = {}
    for code, name, values in [
            ('annual', "Congé annuel", {'needs_allocation': True,
                    'approval_levels': 1, 'carry_over_cap': 10,
                    'carry_over_months': 3}),
            ('SICK', "Maladie", {'certificate_required': True,
                    'half_day': False}),
            ('TRAIN', "Formation", {'counts_as_worked': True}),
            ('REC', "Récupération", {'unit': 'hour', 'recovery': True}),
            ('UNPAID', "Congé sans solde", {'paid': False,
                    'approval_levels': 2}),
            ('CREDIT', "Crédit-temps", {'approval_levels': 2}),
            ('HOUR', "Congé horaire", {'unit': 'hour',
                    'needs_allocation': False}),
            ]:
        leave_types[code] = _get_or_create(LeaveType, [('code', '=', code)],
            dict(name=name, code=code, **values))

    for code, name, kind, extra in [
            ('1000', "Heures prestées", 'worked', {}),
            ('2100', "Heures supplémentaires 100 %", 'overtime',
                {'overtime_kind': 'normal'}),
            ('2125', "Heures supplémentaires soirée", 'overtime',
                {'overtime_kind': 'evening'}),
            ('2150', "Heures supplémentaires samedi", 'overtime',
                {'overtime_kind': 'saturday'}),
            ('2200', "Heures supplémentaires dimanche", 'overtime',
                {'overtime_kind': 'sunday'}),
            ('2210', "Heures supplémentaires jour férié", 'overtime',
                {'overtime_kind': 'holiday'}),
            ('3000', "Congé annuel", 'leave',
                {'leave_type': leave_types['annual'].id}),
            ('3100', "Maladie", 'leave',
                {'leave_type': leave_types['SICK'].id}),
            ('3200', "Formation", 'leave',
                {'leave_type': leave_types['TRAIN'].id}),
            ('3300', "Congé sans solde", 'leave',
                {'leave_type': leave_types['UNPAID'].id}),
            ('4000', "Jours de télétravail", 'telework', {}),
            ('9000', "Absences injustifiées", 'absence', {}),
            ('9100', "Journées incomplètes", 'incomplete', {}),
            ]:
        _get_or_create(PayCode, [('code', '=', code)],
            dict(code=code, name=name, kind=kind, **extra))
    _get_or_create(Layout, [('name', '=', "Persée CSV")], {
            'name': "Persée CSV", 'format': 'csv', 'delimiter': ';',
            'columns': [('create', [
                        {'sequence': i, 'name': n, 'field': f}
                        for i, (n, f) in enumerate([
                                ('MATRICULE', 'payroll_number'),
                                ('NOM', 'employee_name'),
                                ('DEBUT', 'period_start'),
                                ('FIN', 'period_end'),
                                ('CODE', 'pay_code'),
                                ('QUANTITE', 'quantity'),
                                ('UNITE', 'unit')])])]})
    _get_or_create(Layout, [('name', '=', "Persée largeur fixe")], {
            'name': "Persée largeur fixe", 'format': 'fixed',
            'decimal_separator': None,
            'columns': [('create', [
                        {'sequence': 1, 'name': 'TYPE', 'field': 'constant',
                            'constant': 'P1', 'width': 2},
                        {'sequence': 2, 'name': 'MATRICULE',
                            'field': 'payroll_number', 'width': 10},
                        {'sequence': 3, 'name': 'PERIODE',
                            'field': 'period_start', 'width': 6,
                            'date_format': '%Y%m'},
                        {'sequence': 4, 'name': 'CODE', 'field': 'pay_code',
                            'width': 4},
                        {'sequence': 5, 'name': 'QUANTITE',
                            'field': 'quantity', 'width': 8,
                            'align': 'right', 'fill': '0'},
                        {'sequence': 6, 'name': 'UNITE', 'field': 'unit',
                            'width': 1}])]})

    employees = Employee.search([], order=[('id', 'ASC')])
    logins = {}
    for user in User.search([]):
        for employee in user.employees:
            logins[employee.id] = user.login
    to_badge = [e for e in employees if not e.badge]
    for employee in to_badge:
        employee.badge = f'{employee.id:06d}'
    Employee.save(to_badge)
    # The payroll tool's own number, distinct from the badge
    to_number = [e for e in employees if not e.payroll_number]
    for employee in to_number:
        employee.payroll_number = f'M{employee.id:05d}'
    Employee.save(to_number)

    today = dt.date.today()
    start, end = _last_month(today)
    year_start = dt.date(today.year, 1, 1)
    from_date = min(start, year_start)
    new_assignments = []
    for employee in employees:
        if employee.work_schedules:
            continue
        fixed, flexi, rota = schedules[employee.company.id]
        login = logins.get(employee.id, '')
        if login in {'rh', 'rhchef', 'employe', 'agent', 'data', 'sig'}:
            schedule, fraction = flexi, 1.0
        elif login.startswith(('a', 'b', 'c')) and '.' in login:
            schedule, fraction = rota, 1.0
        elif rng.random() < 0.15:
            schedule, fraction = fixed, rng.choice([0.5, 0.8])
        else:
            schedule, fraction = (flexi if rng.random() < 0.5 else fixed), 1.0
        new_assignments.append({'employee': employee.id,
                'schedule': schedule.id, 'valid_from': from_date,
                'fraction': fraction})
    if new_assignments:
        with Transaction().set_context(_hr_time_defer=True):
            Assignment.create(new_assignments)

    # Fresh records: the schedules were just assigned
    employees = Employee.browse([e.id for e in employees])
    for year in (start.year, today.year, today.year + 1):
        # allocate() creates only the missing allocations
        Allocation.allocate(leave_types['annual'], year, 26, employees)

    # Leave first: nobody clocks on a day of approved leave
    _load_requests(random.Random(seeds[2]), employees, leave_types, start,
        end, today, logins)
    _load_clockings(random.Random(seeds[1]), employees, devices, start, end,
        logins)
    _load_telework(random.Random(seeds[3]), employees, start, today, logins)
    _load_digests(today)


def _load_digests(today):
    """The anomaly e-mails of the last working day's morning, as the daily
    scheduled action sent them (it sends none on weekends and holidays):
    the demo shows digests whatever the day it is loaded"""
    pool = Pool()
    Digest = pool.get('attendance.anomaly.digest')
    Anomaly = pool.get('attendance.anomaly')
    Holiday = pool.get('mons.holiday')
    if Digest.search([], limit=1):
        return
    day = today
    while not Holiday.is_working_day(day):
        day -= dt.timedelta(days=1)
    Anomaly.send_digest(day)


def _load_clockings(rng, employees, devices, start, end, logins):
    pool = Pool()
    Line = pool.get('attendance.line')
    Holiday = pool.get('mons.holiday')
    Day = pool.get('attendance.day')
    if Line.search([('source', '=', 'device'), ('date', '>=', start),
                ('date', '<=', end)], limit=1):
        return
    from trytond.tools import timezone as tz
    zone = tz.ZoneInfo('Europe/Brussels')
    holidays = Holiday.dates(start, end)
    Leave = pool.get('attendance.leave')
    on_leave = set()
    for leave in Leave.search([('state', '=', 'approved'),
                ('start', '<=', end), ('end', '>=', start)]):
        if leave.half is None and leave.type.unit != 'hour':
            on_leave.update((leave.employee.id, d) for d in leave.dates())
    events = []

    def at(date, minutes):
        local = dt.datetime.combine(date, dt.time(0), tzinfo=zone) + \
            dt.timedelta(minutes=minutes)
        return local.isoformat(timespec='seconds')

    for employee in employees:
        device = devices[employee.company.id].code
        # The self-service demo login shows a forgotten clock-out to correct
        # on the last working day of the month: the newest anomaly of the
        # demo whatever today's date, so that balance warnings of the days
        # after it never push it off the page's most recent anomalies
        forget = (_last_working_day(employee, start, end, holidays
                | {d for e, d in on_leave if e == employee.id})
            if logins.get(employee.id) == 'employe' else None)
        date = start
        while date <= end:
            assignment = employee.schedule_at(date)
            line = assignment.schedule.line_for(date) if assignment else None
            if (line and line.expected_seconds() and date not in holidays
                    and (rng.random() > 0.06 or date == forget)
                    and (employee.id, date) not in on_leave):
                target = line.expected_seconds() * assignment.fraction / 60
                # Within the default 15 minutes of grace: ordinary days,
                # not late arrivals or early departures
                planned = (line.start.hour * 60 + line.start.minute
                    if line.start else 8 * 60)
                begin = planned + rng.randint(-20, 12)
                lunch = begin + int(target / 2) + rng.randint(-15, 15)
                back = lunch + rng.choice([30, 30, 35, 45])
                finish = planned + int(target) + (back - lunch) + \
                    rng.randint(-10, 60)
                times = [(begin, 'in'), (lunch, 'out'), (back, 'in'),
                    (finish, 'out')]
                if rng.random() < 0.03 or date == forget:
                    times.pop()  # a forgotten clock-out
                for minutes, direction in times:
                    events.append({'badge': employee.badge,
                            'at': at(date, minutes),
                            'direction': direction, 'device': device})
            date += dt.timedelta(days=1)
    with Transaction().set_context(_hr_time_defer=True):
        for i in range(0, len(events), 2000):
            Line.clock(events[i:i + 2000])
    for company in {e.company for e in employees}:
        Day.compute_month(company, start.year, start.month,
            [e for e in employees if e.company == company])


def _last_working_day(employee, start, end, holidays):
    date = end
    while date >= start:
        assignment = employee.schedule_at(date)
        line = assignment.schedule.line_for(date) if assignment else None
        if line and line.expected_seconds() and date not in holidays:
            return date
        date -= dt.timedelta(days=1)


def _load_requests(rng, employees, leave_types, start, end, today, logins):
    pool = Pool()
    Leave = pool.get('attendance.leave')
    if Leave.search([], limit=1):
        return
    Day = pool.get('attendance.day')
    approved, requested = [], []
    by_login = {logins.get(e.id): e for e in employees}
    for employee in employees:
        roll = rng.random()
        if roll < 0.25:
            day = start + dt.timedelta(days=rng.randint(0, 20))
            approved.append({'employee': employee.id,
                    'type': leave_types['annual'].id, 'start': day,
                    'end': day + dt.timedelta(days=rng.randint(0, 3))})
        elif roll < 0.35:
            day = start + dt.timedelta(days=rng.randint(0, 25))
            approved.append({'employee': employee.id,
                    'type': leave_types['SICK'].id, 'start': day,
                    'end': day + dt.timedelta(days=rng.randint(0, 2))})
        if rng.random() < 0.3:
            day = today + dt.timedelta(days=rng.randint(10, 40))
            requested.append({'employee': employee.id,
                    'type': leave_types['annual'].id, 'start': day,
                    'end': day + dt.timedelta(days=rng.randint(0, 4))})
    if 'employe' in by_login:
        day = today + dt.timedelta(days=14)
        requested.append({'employee': by_login['employe'].id,
                'type': leave_types['annual'].id, 'start': day,
                'end': day + dt.timedelta(days=2),
                'reason': "Vacances en famille"})
    with Transaction().set_context(_hr_time_defer=True):
        leaves = Leave.create(approved + requested)
        to_request = [l for l in leaves if l.dates()]
        Leave.request(to_request)
        Leave.do_approve([l for l in to_request if l.start <= end])
    for company in {e.company for e in employees}:
        Day.compute_month(company, start.year, start.month,
            [e for e in employees if e.company == company])


def _load_telework(rng, employees, start, today, logins):
    pool = Pool()
    Telework = pool.get('attendance.telework')
    Day = pool.get('attendance.day')
    if Telework.search([], limit=1):
        return
    by_login = {logins.get(e.id): e for e in employees}
    telework = []
    for employee in employees:
        if rng.random() < 0.3:
            telework.append({'employee': employee.id, 'kind': 'structural',
                    'weekday': str(rng.choice([0, 2, 4])),
                    'start': start})
    if 'employe' in by_login:
        # A week ahead, on the first day the employee works (the demo is
        # loaded on any day, weekends and holidays included)
        employe = by_login['employe']
        days = (today + dt.timedelta(days=n) for n in range(7, 60))
        day = next((d for d in days if Telework.working_day(employe, d)),
            None)
        if day:
            telework.append({'employee': employe.id, 'kind': 'occasional',
                    'start': day})
    with Transaction().set_context(_hr_time_defer=True):
        requests = Telework.create(telework)
        Telework.request(requests)
        Telework.do_approve([r for r in requests if r.kind == 'structural'])
    for company in {e.company for e in employees}:
        Day.compute_month(company, start.year, start.month,
            [e for e in employees if e.company == company])
