"""The shared request workflow (request.ApprovalRequestMixin) and the
read scope of substitute approvers, tried as real non-admin users."""
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.pyson import Eval, PYSONEncoder
from trytond.tests.test_tryton import with_transaction
from trytond.transaction import Transaction

from .test_module import MONDAY, DBTestCase, ev, td, with_org


def as_user(user):
    "Act as user with the access rights and record rules enforced"
    transaction = Transaction()

    class Context:
        def __enter__(self):
            self.contexts = [transaction.set_user(user.id),
                transaction.set_context(_check_access=True)]
            for context in self.contexts:
                context.__enter__()

        def __exit__(self, *args):
            for context in reversed(self.contexts):
                context.__exit__(*args)
    return Context()


def encoded(buttons):
    encoder = PYSONEncoder(sort_keys=True)
    return {name: {k: encoder.encode(v) if k == 'invisible' else v
            for k, v in states.items()}
        for name, states in buttons.items()}


class Team:
    """The organisation of HRTime plus what the substitute tests need:
    Other stands in for Chef (manager of Alice and Bob) this week, Late
    will stand in for Chef next month, Carol works in another service."""

    def __init__(self, org):
        pool = Pool()
        Party = pool.get('party.party')
        Employee = pool.get('company.employee')
        Service = pool.get('mons.service')
        Approver = pool.get('hr.time.approver')
        LeaveType = pool.get('attendance.leave.type')
        self.org = o = org

        def employee(name):
            party, = Party.create([{'name': name}])
            employee, = Employee.create([{'party': party.id,
                        'company': o.company.id}])
            o.assign(employee, o.fixed)
            return employee
        self.carol = employee("Carol")
        self.dora = employee("Dora")
        self.late = employee("Late")
        self.director = employee("Director")
        top, = Service.create([{'name': "Direction", 'code': 'DG',
                    'company': o.company.id,
                    'manager': self.director.id}])
        Service.write([o.service], {'parent': top.id})
        Service.create([{'name': "Finances", 'code': 'FIN',
                    'company': o.company.id, 'manager': self.dora.id,
                    'members': [('add', [self.carol.id])]}])
        today = dt.date.today()
        Approver.create([{
                    'approver': o.chef.id, 'substitute': o.other.id,
                    'start': today - td(days=1), 'end': today + td(days=6),
                    }, {
                    'approver': o.chef.id, 'substitute': self.late.id,
                    'start': today + td(days=30),
                    'end': today + td(days=40),
                    }])
        self.annual, = LeaveType.create([{'name': "Congé annuel",
                    'code': 'annual'}])
        self.two_levels, = LeaveType.create([{'name': "Formation longue",
                    'code': 'training', 'approval_levels': 2}])
        self.chef_user = o.user('chef', o.chef,
            groups=['group_service_manager'])
        self.sub_user = o.user('other', o.other)
        self.late_user = o.user('late', self.late)
        self.alice_user = o.user('alice', o.alice)

    def leave(self, employee, date, state='draft', type_=None):
        Leave = Pool().get('attendance.leave')
        leave, = Leave.create([{'employee': employee.id,
                    'type': (type_ or self.annual).id,
                    'start': date, 'end': date}])
        if state in {'requested', 'approved'}:
            Leave.request([leave])
        if state == 'approved':
            with as_user(self.chef_user):
                Leave.approve(Leave.browse([leave.id]))
        return Leave(leave.id)


def readable(Model, user, records):
    "Ids of records the user may read, one by one"
    result = set()
    for record in records:
        with as_user(user):
            try:
                Model.read([record.id], ['state'])
            except AccessError:
                continue
        result.add(record.id)
    return result


class RequestTestCase(DBTestCase):
    "Shared request workflow and substitute approvers"

    @with_transaction()
    @with_org
    def test_substitute_reads_only_requests_to_approve(self, o):
        "A substitute reads only the leave waiting for them or they decided"
        Leave = Pool().get('attendance.leave')
        team = Team(o)
        draft = team.leave(o.alice, MONDAY)
        approved = team.leave(o.alice, MONDAY + td(days=1), 'approved')
        waiting = team.leave(o.alice, MONDAY + td(days=2), 'requested')
        bob_waiting = team.leave(o.bob, MONDAY + td(days=2), 'requested')
        elsewhere = team.leave(team.carol, MONDAY, 'requested')
        refused = team.leave(o.bob, MONDAY + td(days=3), 'requested')
        with as_user(team.chef_user):
            Leave.refuse(Leave.browse([refused.id]))
        # Waiting for the director (level 2), not for the chef any more
        upper = team.leave(o.bob, MONDAY + td(days=4), 'requested',
            team.two_levels)
        with as_user(team.chef_user):
            Leave.approve(Leave.browse([upper.id]))
        self.assertEqual((Leave(upper.id).state, Leave(upper.id).level),
            ('requested', 2))
        everything = [draft, approved, waiting, bob_waiting, elsewhere,
            refused, upper]

        self.assertEqual(readable(Leave, team.sub_user, everything),
            {waiting.id, bob_waiting.id})
        with as_user(team.sub_user):
            self.assertEqual({l.id for l in Leave.search([])},
                {waiting.id, bob_waiting.id})
            for record in [draft, approved, elsewhere, refused, upper]:
                with self.assertRaises(AccessError):
                    Leave.approve(Leave.browse([record.id]))
            self.assertEqual(
                Leave(waiting.id).substitute_approvers, (o.other,))
        # The substitution of Late starts next month
        self.assertEqual(readable(Leave, team.late_user, everything), set())
        with as_user(team.late_user):
            self.assertEqual(Leave.search([]), [])

        with as_user(team.sub_user):
            Leave.approve(Leave.browse([waiting.id]))
            Leave.refuse(Leave.browse([bob_waiting.id]))
        self.assertEqual(Leave(waiting.id).state, 'approved')
        self.assertEqual(Leave(bob_waiting.id).state, 'refused')
        # What they decided stays readable, not writable
        self.assertEqual(readable(Leave, team.sub_user, everything),
            {waiting.id, bob_waiting.id})
        with as_user(team.sub_user):
            with self.assertRaises((AccessError, UserError)):
                Leave.write(Leave.browse([waiting.id]), {'reason': "x"})
        # The substitute approvers of a decided leave are none
        self.assertEqual(Leave(waiting.id).substitute_approvers, ())

        # Once the substitution is over, the pending leave is hidden again
        Approver = Pool().get('hr.time.approver')
        substitution, = Approver.search([('substitute', '=', o.other.id)])
        substitution.end = dt.date.today() - td(days=1)
        substitution.save()
        later = team.leave(o.alice, MONDAY + td(days=7), 'requested')
        self.assertEqual(readable(Leave, team.sub_user, [later]), set())

    @with_transaction()
    @with_org
    def test_substitute_scope_of_other_requests(self, o):
        "Telework, overtime and corrections follow the same scope"
        pool = Pool()
        Telework = pool.get('attendance.telework')
        Overtime = pool.get('attendance.overtime')
        Correction = pool.get('attendance.correction')
        Line = pool.get('attendance.line')
        team = Team(o)

        teleworks = Telework.create([{'employee': e.id, 'start': d}
                for e, d in [(o.alice, MONDAY), (o.alice, MONDAY + td(days=1)),
                    (o.bob, MONDAY), (team.carol, MONDAY)]])
        Telework.request(teleworks)
        draft_telework, = Telework.create([{'employee': o.bob.id,
                    'start': MONDAY + td(days=1)}])
        waiting, approved, bob_waiting, elsewhere = teleworks
        with as_user(team.chef_user):
            Telework.approve(Telework.browse([approved.id]))
        self.assertEqual(
            readable(Telework, team.sub_user, teleworks + [draft_telework]),
            {waiting.id, bob_waiting.id})
        self.assertEqual(
            readable(Telework, team.late_user, teleworks), set())
        with as_user(team.sub_user):
            Telework.approve(Telework.browse([waiting.id]))
            with self.assertRaises(AccessError):
                Telework.approve(Telework.browse([elsewhere.id]))
        self.assertEqual(Telework(waiting.id).state, 'approved')
        self.assertEqual(
            readable(Telework, team.sub_user, teleworks + [draft_telework]),
            {waiting.id, bob_waiting.id})

        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '18:30', 'out'),
                ev('B002', MONDAY, '08:00', 'in'),
                ev('B002', MONDAY, '18:30', 'out')])
        alice_ot, = Overtime.search([('employee', '=', o.alice.id)])
        bob_ot, = Overtime.search([('employee', '=', o.bob.id)])
        with as_user(team.chef_user):
            Overtime.approve(Overtime.browse([bob_ot.id]))
        self.assertEqual(readable(Overtime, team.sub_user,
                [alice_ot, bob_ot]), {alice_ot.id})
        self.assertEqual(readable(Overtime, team.late_user,
                [alice_ot, bob_ot]), set())
        with as_user(team.sub_user):
            Overtime.approve(Overtime.browse([alice_ot.id]))
            with self.assertRaises(AccessError):
                Overtime.reset(Overtime.browse([bob_ot.id]))
        self.assertEqual(Overtime(alice_ot.id).state, 'approved')

        corrections = Correction.create([{'employee': e.id,
                    'kind': 'justify', 'reason': "Réunion extérieure"}
                for e in [o.alice, o.bob, team.carol]])
        Correction.request(corrections)
        waiting, approved, elsewhere = corrections
        with as_user(team.chef_user):
            Correction.approve(Correction.browse([approved.id]))
        self.assertEqual(readable(Correction, team.sub_user, corrections),
            {waiting.id})
        with as_user(team.sub_user):
            Correction.refuse(Correction.browse([waiting.id]))
            with self.assertRaises(AccessError):
                Correction.refuse(Correction.browse([elsewhere.id]))
        self.assertEqual(Correction(waiting.id).state, 'refused')
        self.assertEqual(readable(Correction, team.sub_user, corrections),
            {waiting.id})

    @with_transaction()
    def test_workflow_declarations(self):
        "The mixin keeps every state, transition and button of each model"
        pool = Pool()
        Leave = pool.get('attendance.leave')
        Telework = pool.get('attendance.telework')
        Overtime = pool.get('attendance.overtime')
        Correction = pool.get('attendance.correction')
        state = Eval('state')
        draft = {'invisible': state != 'draft', 'depends': ['state']}
        requested = {'invisible': state != 'requested', 'depends': ['state']}
        cancel = {'invisible': ~state.in_(['requested', 'approved']),
            'depends': ['state']}

        def decide(pending):
            # Offered only to who may decide it
            return {'invisible': ((state != pending)
                    | ~Eval('can_decide', False)),
                'depends': ['state', 'can_decide']}
        ask = {n: decide('requested')
            for n in ['approve', 'refuse', 'refuse_with_reason']}
        states = [('draft', "Draft"), ('requested', "Requested"),
            ('approved', "Approved"), ('refused', "Refused")]
        expected = {
            Leave: (states + [('cancelled', "Cancelled")], {
                    ('draft', 'requested'), ('requested', 'approved'),
                    ('requested', 'refused'), ('requested', 'cancelled'),
                    ('approved', 'cancelled'), ('requested', 'draft')}, {
                    'request': draft, **ask, 'cancel': cancel,
                    'draft': requested,
                    # HR records the medical certificate
                    'receive_certificate': {
                        'invisible': (~Eval('certificate_required')
                            | Eval('certificate_received')
                            | ~state.in_(['requested', 'approved'])),
                        'depends': ['certificate_required',
                            'certificate_received', 'state']}}),
            Telework: (states + [('cancelled', "Cancelled")], {
                    ('draft', 'requested'), ('requested', 'approved'),
                    ('requested', 'refused'), ('requested', 'cancelled'),
                    ('approved', 'cancelled')}, {
                    'request': draft, **ask, 'cancel': cancel}),
            Correction: (states, {
                    ('draft', 'requested'), ('requested', 'approved'),
                    ('requested', 'refused'), ('requested', 'draft')}, {
                    'request': draft, **ask}),
            Overtime: ([('draft', "To Approve"), ('approved', "Approved"),
                    ('refused', "Refused")], {
                    ('draft', 'approved'), ('draft', 'refused'),
                    ('approved', 'draft'), ('refused', 'draft')}, {
                    **{n: decide('draft') for n in ask},
                    'reset': {'invisible': state == 'draft',
                        'depends': ['state']}}),
            }
        for Model, (selection, transitions, buttons) in expected.items():
            with self.subTest(model=Model.__name__):
                self.assertEqual(Model.state.selection, selection)
                self.assertEqual(Model._transitions, transitions)
                self.assertEqual(encoded(Model._buttons), encoded(buttons))
                self.assertTrue(set(buttons) <= set(Model.__rpc__))
                self.assertEqual(Model.default_state(), 'draft')
        self.assertNotIn('request', Overtime._buttons)
        self.assertNotIn('cancel', Correction._buttons)

    @with_transaction()
    @with_org
    def test_workflows_run(self, o):
        "Every button of the four requests still moves them as before"
        pool = Pool()
        Leave = pool.get('attendance.leave')
        Telework = pool.get('attendance.telework')
        Overtime = pool.get('attendance.overtime')
        Correction = pool.get('attendance.correction')
        Line = pool.get('attendance.line')
        team = Team(o)
        chef, alice = team.chef_user, team.alice_user

        def states(Model, records):
            return [Model(r.id).state for r in records]

        with as_user(alice):
            leave, back = Leave.create([{'employee': o.alice.id,
                        'type': team.annual.id, 'start': d, 'end': d}
                    for d in [MONDAY, MONDAY + td(days=1)]])
            Leave.request([leave, back])
            Leave.draft([back])
            with self.assertRaises(UserError):
                Leave.approve([leave])
        self.assertEqual(states(Leave, [leave, back]), ['requested', 'draft'])
        with as_user(chef):
            Leave.approve(Leave.browse([leave.id]))
        self.assertEqual(states(Leave, [leave]), ['approved'])
        self.assertEqual([(a.level, a.state, a.user) for a in
                Leave(leave.id).approvals], [(1, 'approved', chef)])
        with as_user(alice):
            Leave.cancel(Leave.browse([leave.id]))
            # Cancelled is final: no button moves it again
            for button in [Leave.request, Leave.approve, Leave.draft]:
                with self.assertRaises(AccessButtonError):
                    button(Leave.browse([leave.id]))
        self.assertEqual(states(Leave, [leave]), ['cancelled'])

        teleworks = Telework.create([{'employee': o.alice.id, 'start': d}
                for d in [MONDAY, MONDAY + td(days=1),
                    MONDAY + td(days=2)]])
        with as_user(alice):
            Telework.request(Telework.browse(teleworks))
            with self.assertRaises(UserError):
                Telework.refuse(Telework.browse(teleworks[:1]))
        with as_user(chef):
            Telework.approve(Telework.browse(teleworks[:1]))
            Telework.refuse(Telework.browse(teleworks[1:2]))
        with as_user(alice):
            Telework.cancel(Telework.browse([teleworks[0], teleworks[2]]))
        self.assertEqual(states(Telework, teleworks),
            ['cancelled', 'refused', 'cancelled'])
        self.assertEqual([Telework(r.id).decided_by for r in teleworks],
            [chef, chef, None])

        Line.clock([ev('B001', MONDAY, '08:00', 'in'),
                ev('B001', MONDAY, '18:30', 'out')])
        overtime, = Overtime.search([('employee', '=', o.alice.id)])
        with as_user(alice):
            with self.assertRaises(UserError):
                Overtime.approve(Overtime.browse([overtime.id]))
        with as_user(chef):
            Overtime.approve(Overtime.browse([overtime.id]))
            self.assertEqual(states(Overtime, [overtime]), ['approved'])
            Overtime.reset(Overtime.browse([overtime.id]))
            self.assertEqual(states(Overtime, [overtime]), ['draft'])
            Overtime.refuse(Overtime.browse([overtime.id]))
        self.assertEqual(states(Overtime, [overtime]), ['refused'])
        self.assertEqual(Overtime(overtime.id).decided_by, chef)

        with as_user(alice):
            corrections = Correction.create([{'employee': o.alice.id,
                        'kind': 'justify', 'reason': r}
                    for r in ["Formation", "Réunion"]])
            Correction.request(Correction.browse(corrections))
            with self.assertRaises(UserError):
                Correction.approve(Correction.browse(corrections[:1]))
        with as_user(chef):
            Correction.approve(Correction.browse(corrections[:1]))
            Correction.refuse(Correction.browse(corrections[1:]))
        self.assertEqual(states(Correction, corrections),
            ['approved', 'refused'])
        self.assertEqual(
            [Correction(c.id).decided_by for c in corrections], [chef, chef])

    @with_transaction()
    @with_org
    def test_decide_buttons_and_refusal_reason(self, o):
        """Approve and Refuse are offered to who may decide only; refusing
        from the desk's wizard asks a reason the employee then reads"""
        pool = Pool()
        Leave = pool.get('attendance.leave')
        Refuse = pool.get('hr.time.request.refuse', type='wizard')
        team = Team(o)
        chef, alice = team.chef_user, team.alice_user
        leaves = [team.leave(o.alice, MONDAY + td(days=i), 'requested')
            for i in range(3)]
        ids = [l.id for l in leaves]
        draft = team.leave(o.alice, MONDAY + td(days=7))
        with as_user(alice):
            self.assertEqual([l.can_decide for l in Leave.browse(ids)],
                [False] * 3)
            # The server refuses what the desk hides
            for button in [Leave.approve, Leave.refuse,
                    Leave.refuse_with_reason]:
                with self.assertRaises(AccessButtonError):
                    button(Leave.browse(ids[:1]))
        with as_user(chef):
            self.assertEqual(
                [l.can_decide for l in Leave.browse(ids + [draft.id])],
                [True] * 3 + [False])
            self.assertIsInstance(
                Leave.refuse_with_reason(Leave.browse(ids[:2])), int)

        def refuse(user, records, reason):
            with as_user(user), Transaction().set_context(
                    active_model='attendance.leave',
                    active_ids=[r.id for r in records],
                    active_id=records[0].id):
                session_id, _, _ = Refuse.create()
                Refuse.execute(session_id, {}, 'start')
                Refuse.execute(session_id, {'start': {'reason': reason}},
                    'refuse')

        with self.assertRaises(UserError):
            refuse(alice, Leave.browse(ids[:1]), "Je me refuse")
        refuse(chef, Leave.browse(ids[:2]), "Service de garde ce jour-là")
        self.assertEqual(
            [(l.state, l.refusal_reason) for l in Leave.browse(ids)],
            [('refused', "Service de garde ce jour-là")] * 2
            + [('requested', None)])
        with as_user(alice):
            # Written by the wizard only
            with self.assertRaises(UserError):
                Leave.write(Leave.browse([draft.id]),
                    {'refusal_reason': "forgé"})
            self.assertEqual(Leave(ids[0]).refusal_reason,
                "Service de garde ce jour-là")

    @with_transaction()
    @with_org
    def test_correction_of_missing_clocking_goes_its_way(self, o):
        """A correction asked from a forgotten clock-out adds a clock-out,
        even when the request leaves the direction empty"""
        pool = Pool()
        Line = pool.get('attendance.line')
        Anomaly = pool.get('attendance.anomaly')
        Correction = pool.get('attendance.correction')
        team = Team(o)
        Line.clock([ev('B001', MONDAY, '08:00', 'in')])
        anomaly, = Anomaly.search([('employee', '=', o.alice.id),
                ('kind', '=', 'missing_out')])
        at = dt.datetime.combine(MONDAY, dt.time(15))
        with as_user(team.alice_user):
            empty, given = Correction.create([
                    {'employee': o.alice.id, 'anomaly': anomaly.id,
                        'kind': 'add', 'at': at, 'direction': None,
                        'reason': "Oubli"},
                    {'employee': o.alice.id, 'anomaly': anomaly.id,
                        'kind': 'add', 'at': at, 'direction': 'in',
                        'reason': "Oubli"}])
            # Without an anomaly the direction stays required
            with self.assertRaises(UserError):
                Correction.create([{'employee': o.alice.id, 'kind': 'add',
                            'at': at, 'reason': "Oubli"}])
        self.assertEqual((empty.direction, given.direction), ('out', 'in'))
