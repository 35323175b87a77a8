"Training requests against the budget, places, attendance, certificates, "
"competencies gained; competency gaps per agent and per service."
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool

from .org import as_user
from .test_career import CareerDBTestCase, with_org


def certificate_pdf():
    import weasyprint
    return weasyprint.HTML(string="<p>Attestation de réussite</p>"
        ).write_pdf()


def setup_training(org, places=2, budget=Decimal(500)):
    pool = Pool()
    Course = pool.get('hr.training.course')
    Session = pool.get('hr.training.session')
    Budget = pool.get('hr.training.budget')
    course, = Course.create([{'name': "Accueil des publics fragiles",
                'company': org.ville.id, 'kind': 'external',
                'duration': 14, 'cost': Decimal(300),
                'competencies': [('create', [{
                                'competency': org.communication.id,
                                'level': org.communication.levels[2].id}])],
                }])
    session, = Session.create([{'course': course.id,
                'company': org.ville.id, 'start_date': dt.date(2026, 5, 4),
                'end_date': dt.date(2026, 5, 5), 'places': places}])
    Budget.create([{'company': org.ville.id, 'service': org.service.id,
                'year': 2026, 'amount': budget}])
    return course, session


class TrainingTestCase(CareerDBTestCase):

    @with_org
    def test_requests_against_budget_and_places(self, org):
        "An agent asks, the manager approves within the service's budget "
        "and the session's places; HR records attendance"
        pool = Pool()
        Request = pool.get('hr.training.request')
        Budget = pool.get('hr.training.budget')
        Profile = pool.get('hr.competency.profile')
        Document = pool.get('hr.career.document')
        course, session = setup_training(org)
        with as_user(org.u_alice):
            mine, = Request.create([{'employee': org.alice.id,
                        'company': org.ville.id, 'service': org.service.id,
                        'course': course.id, 'session': session.id,
                        'year': 2026, 'state': 'approved',
                        'cost': Decimal(0)}])
            # The workflow fields are not the caller's
            self.assertEqual((mine.state, mine.cost), ('draft', None))
            self.assertEqual(mine.requested_by, org.u_alice)
            # Nor may an agent ask for a colleague
            with self.assertRaises(AccessError):
                Request.create([{'employee': org.bob.id,
                            'company': org.ville.id,
                            'service': org.service.id, 'course': course.id,
                            'year': 2026}])
            Request.request([mine])
            # Nor approve their own request
            with self.assertRaises(UserError):
                Request.approve([mine])
        with as_user(org.u_chef):
            bobs, = Request.create([{'employee': org.bob.id,
                        'company': org.ville.id, 'service': org.service.id,
                        'course': course.id, 'session': session.id,
                        'year': 2026}])
            Request.request([bobs])
            Request.approve([Request(mine.id)])
            budget, = Budget.search([])
            self.assertEqual((budget.committed, budget.available),
                (Decimal(300), Decimal(200)))
            # 300 more would overrun the 500 of the budget
            with self.assertRaises(UserError) as cm:
                Request.approve([bobs])
            self.assertIn('Service', cm.exception.message)
            self.assertIn('200', cm.exception.message)
            with self.assertRaises(UserError):
                Request.refuse([bobs])  # without a reason
            Request.write([bobs], {'refusal_reason': "Budget épuisé"})
            Request.refuse([bobs])
            # Attendance is HR's
            with self.assertRaises(UserError):
                Request.attend([Request(mine.id)])
        with as_user(org.u_rh):
            Request.attend([Request(mine.id)])
            budget, = Budget.search([])
            self.assertEqual((budget.committed, budget.actual,
                    budget.available),
                (Decimal(0), Decimal(300), Decimal(200)))
            with self.assertRaises(UserError):
                Request.file_certificate([Request(mine.id)])
            Request.write([Request(mine.id)], {
                    'certificate': certificate_pdf(),
                    'certificate_name': 'attestation.pdf'})
            Request.file_certificate([Request(mine.id)])
        mine = Request(mine.id)
        self.assertEqual(mine.document.file, org.file(org.alice))
        self.assertEqual(mine.document.type, org.types['TRAIN'])
        # The competency reached by the course is the agent's now
        profile, = Profile.search([('file', '=', org.file(org.alice).id)])
        self.assertEqual((profile.level, profile.source, profile.date),
            (org.communication.levels[2], 'training', dt.date(2026, 5, 5)))
        with as_user(org.u_alice):
            self.assertEqual(len(Document.search([])), 1)

    @with_org
    def test_session_places(self, org):
        pool = Pool()
        Request = pool.get('hr.training.request')
        Budget = pool.get('hr.training.budget')
        course, session = setup_training(org, places=1,
            budget=Decimal(5000))
        Budget.create([{'company': org.ville.id,
                    'service': org.other_service.id, 'year': 2026,
                    'amount': Decimal(5000)}])
        first, second = Request.create([
                {'employee': org.alice.id, 'company': org.ville.id,
                    'service': org.service.id, 'course': course.id,
                    'session': session.id, 'year': 2026},
                {'employee': org.other.id, 'company': org.ville.id,
                    'service': org.other_service.id, 'course': course.id,
                    'session': session.id, 'year': 2026},
                ])
        Request.request([first, second])
        with as_user(org.u_rh):
            Request.approve([first])
            with self.assertRaises(UserError) as cm:
                Request.approve([second])
            self.assertIn('Session', cm.exception.message)
        # The manager of Culture does not decide for Travaux
        with as_user(org.u_chef), self.assertRaises(AccessError):
            Request.read([second.id], ['state'])

    @with_org
    def test_competency_gaps(self, org):
        "What the position requires against the agent's profile, per agent "
        "and per service; each reader sees their scope"
        pool = Pool()
        Gap = pool.get('hr.competency.gap')
        ServiceGap = pool.get('hr.competency.gap.service')
        Profile = pool.get('hr.competency.profile')
        Profile.create([{'file': org.file(org.alice).id,
                    'competency': org.communication.id,
                    'level': org.communication.levels[2].id},
                {'file': org.file(org.bob).id,
                    'competency': org.excel.id,
                    'level': org.excel.levels[0].id}])
        gaps = {(g.employee.rec_name, g.competency.code):
            (g.current_level and g.current_level.name, g.gap)
            for g in Gap.search([])}
        # Required: Communication "Autonome" (2nd of 3), Tableur "Autonome"
        # (2nd of 2) for the three agents of Culture
        self.assertEqual(gaps, {
                ("Alice Agent", 'COM'): ("Expert", 0),
                ("Alice Agent", 'XLS'): (None, 2),
                ("Bob Agent", 'COM'): (None, 2),
                ("Bob Agent", 'XLS'): ("Notions", 1),
                ("Chantal Chef", 'COM'): (None, 2),
                ("Chantal Chef", 'XLS'): (None, 2),
                })
        per_service = {(g.service.code, g.competency.code):
            (g.agents, g.agents_below, g.total_gap)
            for g in ServiceGap.search([])}
        self.assertEqual(per_service, {('CULT', 'COM'): (3, 2, 4),
                ('CULT', 'XLS'): (3, 3, 5)})
        with as_user(org.u_alice):
            self.assertEqual({g.employee for g in Gap.search([])},
                {org.alice})
            with self.assertRaises(AccessError):
                ServiceGap.search([])
        with as_user(org.u_chef):
            self.assertEqual(len(Gap.search([])), 6)
            self.assertEqual(len(ServiceGap.search([])), 2)
        with as_user(org.u_rh_cpas):
            self.assertEqual(Gap.search([]), [])
