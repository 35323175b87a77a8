"Evaluations: due dates, reminders, the workflow and its refusals, rights."
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction

from .org import as_user
from .test_career import CareerDBTestCase, with_org


def cycle(org, population='statutory', start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31), **values):
    Cycle = Pool().get('hr.evaluation.cycle')
    record, = Cycle.create([dict({'name': f"{population} {start.year}",
                    'company': org.ville.id, 'population': population,
                    'start_date': start, 'end_date': end}, **values)])
    Cycle.open([record])
    return record


def on(date):
    "Run as if today were date"
    return Transaction().set_context(_career_today=date)


class EvaluationTestCase(CareerDBTestCase):

    @with_org
    def test_due_dates_from_agents_dates(self, org):
        "Statutory agents every two years from their appointment or last "
        "evaluation, contractual ones from hiring, trainees at the end of "
        "their trial"
        pool = Pool()
        Cycle = pool.get('hr.evaluation.cycle')
        File = pool.get('hr.career.file')
        statutory = cycle(org)
        # Alice appointed 2018-03-15: due 2020, 2022, 2024, 2026-03-15
        self.assertEqual(statutory.due_date_for(org.file(org.alice)),
            dt.date(2026, 3, 15))
        # Olivier appointed 2015-06-01: 2025-06-01 then 2027: not in 2026
        self.assertIsNone(statutory.due_date_for(org.file(org.other)))
        # Chef appointed 2010-01-04: every even year -> 2026-01-04
        self.assertEqual(statutory.due_date_for(org.file(org.chef)),
            dt.date(2026, 1, 4))
        # Bob is contractual: not in the statutory population
        self.assertIsNone(statutory.due_date_for(org.file(org.bob)))
        contractual = cycle(org, 'contractual', interval_months=12)
        # Bob hired 2025-09-01: yearly -> 2026-09-01
        self.assertEqual(contractual.due_date_for(org.file(org.bob)),
            dt.date(2026, 9, 1))
        # A 29 February anchor falls on the 28th in common years
        bob = org.file(org.bob)
        bob.hire_date = dt.date(2024, 2, 29)
        bob.save()
        self.assertEqual(contractual.due_date_for(File(bob.id)),
            dt.date(2026, 2, 28))
        trial = cycle(org, 'trial')
        bob.trial_end_date = dt.date(2026, 3, 1)
        bob.save()
        self.assertEqual(trial.due_date_for(File(bob.id)),
            dt.date(2026, 3, 1))
        self.assertIsNone(trial.due_date_for(org.file(org.alice)))
        # The button creates one evaluation per agent due, once
        evaluations = Cycle.generate([statutory])
        self.assertEqual(sorted((e.employee.rec_name, e.due_date)
                for e in evaluations), [
                ("Alice Agent", dt.date(2026, 3, 15)),
                ("Chantal Chef", dt.date(2026, 1, 4))])
        alice = [e for e in evaluations if e.employee == org.alice][0]
        self.assertEqual(alice.evaluator, org.chef)
        self.assertEqual(alice.service, org.service)
        self.assertEqual(Cycle.generate([statutory]), [])

    @with_org
    def test_last_evaluation_restarts_the_interval(self, org):
        pool = Pool()
        Evaluation = pool.get('hr.evaluation')
        Cycle = pool.get('hr.evaluation.cycle')
        c2025 = cycle(org, start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31))
        # Chef (2010-01-04): due 2026 in theory; an evaluation made in
        # 2025 moves the next one to 2027
        file = org.file(org.chef)
        with Transaction().set_context(_evaluation_generate=True):
            evaluation, = Evaluation.create([Evaluation.values_for(
                        c2025, file, dt.date(2025, 1, 4))])
        Evaluation.write([evaluation], {'state': 'closed',
                'interview_date': dt.date(2025, 5, 20)})
        c2026 = cycle(org)
        self.assertIsNone(c2026.due_date_for(file))
        c2027 = cycle(org, start=dt.date(2027, 1, 1),
            end=dt.date(2027, 12, 31))
        self.assertEqual(c2027.due_date_for(Pool().get('hr.career.file')(
                    file.id)), dt.date(2027, 5, 20))
        self.assertNotIn(org.chef,
            [e.employee for e in Cycle.generate([c2026])])

    @with_org
    def test_reminders_before_and_after_due_date(self, org):
        "30 days before the due date once; after it every 7 days while "
        "not made; none once evaluated"
        pool = Pool()
        Cycle = pool.get('hr.evaluation.cycle')
        Evaluation = pool.get('hr.evaluation')
        Email = pool.get('ir.email')
        org.alice.party.email = None
        statutory = cycle(org)
        # Alice due 2026-03-15, chef 2026-01-04
        Cycle.generate([statutory])
        org.chef.party.email = 'chef@example.com'
        org.chef.party.save()
        org.alice.party.email = 'alice@example.com'
        org.alice.party.save()
        alice, = Evaluation.search([('employee', '=', org.alice.id)])

        def reminded(date):
            return [e.employee for e in Evaluation.send_reminders(date)]
        self.assertEqual(reminded(dt.date(2025, 12, 1)), [])
        # Chef's is overdue (due 2026-01-04); 2026-02-13 is 30 days before
        # Alice's (2026-03-15)
        self.assertEqual(reminded(dt.date(2026, 2, 12)), [org.chef])
        self.assertEqual(reminded(dt.date(2026, 2, 13)), [org.alice])
        self.assertEqual(Evaluation(alice.id).reminded_before,
            dt.date(2026, 2, 13))
        # Before the due date, once only
        self.assertNotIn(org.alice, reminded(dt.date(2026, 3, 1)))
        self.assertNotIn(org.alice, reminded(dt.date(2026, 3, 15)))
        # After it: the next day, then every 7 days
        self.assertIn(org.alice, reminded(dt.date(2026, 3, 16)))
        self.assertEqual(Evaluation(alice.id).reminded_after,
            dt.date(2026, 3, 16))
        self.assertNotIn(org.alice, reminded(dt.date(2026, 3, 22)))
        self.assertIn(org.alice, reminded(dt.date(2026, 3, 23)))
        # The e-mails went to the evaluator and the agent, kept on the
        # evaluation
        emails = Email.search([('resource', '=', str(alice))])
        self.assertEqual(len(emails), 3 * 2)
        self.assertIn('Alice Agent', emails[0].body)
        self.assertTrue(any('15/03/2026' in e.body for e in emails))
        # Made evaluations are not reminded
        Evaluation.write([alice], {'state': 'evaluated'})
        self.assertNotIn(alice,
            Evaluation.send_reminders(dt.date(2026, 4, 30)))

    @with_org
    def test_workflow_by_the_right_people(self, org):
        "Self-assessment by the agent, form from the job description, "
        "scores and mention by the evaluator, acknowledgement and appeal by "
        "the agent, decision by HR, the result in the career file"
        pool = Pool()
        Cycle = pool.get('hr.evaluation.cycle')
        Evaluation = pool.get('hr.evaluation')
        Line = pool.get('hr.evaluation.line')
        Document = pool.get('hr.career.document')
        Profile = pool.get('hr.competency.profile')
        Mention = pool.get('hr.evaluation.mention')
        statutory = cycle(org)
        Cycle.generate([statutory])
        alice, = Evaluation.search([('employee', '=', org.alice.id)])
        with as_user(org.u_chef):
            Evaluation.ask_self_assessment([alice])
        with as_user(org.u_alice):
            # The agent cannot create an evaluation nor start her interview
            with self.assertRaises(UserError):
                Evaluation.create([{'cycle': statutory.id}])
            with self.assertRaises(UserError):
                Evaluation.start_interview([alice])
            with self.assertRaises(UserError) as cm:
                Evaluation.submit_self_assessment([alice])
            self.assertIn('Auto-évaluation', cm.exception.message)
            # Nor move it through the workflow by writing
            for values in [{'state': 'closed'}, {'score': Decimal(4)},
                    {'due_date': dt.date(2026, 12, 1)}]:
                with self.assertRaises(UserError) as cm:
                    Evaluation.write([alice], values)
                self.assertIn('boutons', cm.exception.message)
            Evaluation.write([alice], {'self_assessment': "Bonne année"})
            Evaluation.submit_self_assessment([alice])
        alice = Evaluation(alice.id)
        self.assertEqual(alice.state, 'interview')
        # The form: one line per required competency and per objective
        self.assertEqual(sorted((l.kind, l.name) for l in alice.lines), [
                ('competency', "Communication"), ('competency', "Tableur"),
                ('objective', "Accueillir le public"),
                ('objective', "Tenir l'agenda")])
        with as_user(org.u_alice):
            # Nor fill in the evaluator's part of her own evaluation
            with self.assertRaises(UserError):
                Evaluation.write([alice], {'interview_date':
                        dt.date(2026, 3, 10)})
            with self.assertRaises(UserError):
                Evaluation.complete([alice])
            # The lines of the form are the evaluator's too
            with self.assertRaises(UserError):
                Line.write([alice.lines[0]], {'score': 4})
            with self.assertRaises(UserError):
                Line.create([{'evaluation': alice.id, 'kind': 'objective',
                            'name': "Mon objectif", 'score': 4}])
        with as_user(org.u_chef):
            with self.assertRaises(UserError) as cm:
                Evaluation.complete([alice])
            self.assertIn("Date de l'entretien", cm.exception.message)
            # An interview past the cycle is refused, naming the field
            with self.assertRaises(ValidationError) as cm:
                Evaluation.write([alice], {'interview_date':
                        dt.date(2027, 1, 5)})
            self.assertIn("Date de l'entretien", cm.exception.message)
            self.assertIn('05/01/2027', cm.exception.message)
            Evaluation.write([alice], {'interview_date':
                    dt.date(2026, 3, 10)})
            with self.assertRaises(UserError):
                Evaluation.complete([alice])  # lines not scored
            com = org.communication.levels
            for line in alice.lines:
                values = {'score': 3}
                if line.competency == org.communication:
                    values['assessed_level'] = com[2].id
                    values['score'] = 4
                Line.write([line], values)
            Evaluation.complete([alice])
            # The form closes with the interview
            with self.assertRaises(UserError):
                Line.write([Evaluation(alice.id).lines[0]], {'score': 0})
        alice = Evaluation(alice.id)
        self.assertEqual(alice.score, Decimal('3.25'))
        self.assertEqual(alice.mention.name, "Positive")
        with as_user(org.u_chef), self.assertRaises(UserError):
            Evaluation.acknowledge([alice])
        with on(dt.date(2026, 3, 12)), as_user(org.u_alice):
            Evaluation.acknowledge([alice])
        alice = Evaluation(alice.id)
        self.assertEqual(alice.appeal_deadline, dt.date(2026, 3, 27))
        # The level shown at the interview is the agent's profile
        profile, = Profile.search([('file', '=', alice.file.id)])
        self.assertEqual(profile.level, org.communication.levels[2])
        # HR cannot close while the agent may still appeal
        with on(dt.date(2026, 3, 20)), as_user(org.u_rh), \
                self.assertRaises(UserError):
            Evaluation.close([alice])
        # An appeal after its deadline is refused, naming the field
        with on(dt.date(2026, 3, 28)), as_user(org.u_alice):
            Evaluation.write([alice], {'appeal_reason': "Pas d'accord"})
            with self.assertRaises(UserError) as cm:
                Evaluation.appeal([alice])
            self.assertIn('27/03/2026', cm.exception.message)
            self.assertIn('Date limite de recours', cm.exception.message)
        with on(dt.date(2026, 3, 27)), as_user(org.u_alice):
            Evaluation.appeal([alice])
        alice = Evaluation(alice.id)
        self.assertEqual(alice.appeal_decision_deadline,
            dt.date(2026, 4, 26))
        excellent, = Mention.search([('name', '=', "Excellente")])
        with as_user(org.u_chef), self.assertRaises(UserError):
            Evaluation.decide_appeal([alice])
        with as_user(org.u_rh):
            Evaluation.write([alice], {'appeal_outcome': 'revised',
                    'appeal_mention': excellent.id})
            Evaluation.decide_appeal([alice])
        alice = Evaluation(alice.id)
        self.assertEqual((alice.state, alice.final_mention),
            ('closed', excellent))
        document, = Document.search([('origin', '=', str(alice))])
        self.assertEqual(document.type, org.types['EVAL'])
        self.assertIn('Excellente', document.name)

    @with_org
    def test_rights_on_evaluations(self, org):
        "The agent reads their own, the manager their service's, HR of the "
        "organisation all of it"
        pool = Pool()
        Cycle = pool.get('hr.evaluation.cycle')
        Evaluation = pool.get('hr.evaluation')
        statutory = cycle(org)
        contractual = cycle(org, 'contractual', interval_months=12)
        Cycle.generate([statutory, contractual])
        everyone = Evaluation.search([])
        self.assertEqual(sorted(e.employee.rec_name for e in everyone),
            ["Alice Agent", "Bob Agent", "Chantal Chef", "Rachid RH"])
        bob, = [e for e in everyone if e.employee == org.bob]
        with as_user(org.u_alice):
            self.assertEqual([e.employee for e in Evaluation.search([])],
                [org.alice])
            with self.assertRaises(AccessError):
                Evaluation.read([bob.id], ['score'])
        with as_user(org.u_chef):
            self.assertEqual(sorted(e.employee.rec_name
                    for e in Evaluation.search([])),
                ["Alice Agent", "Bob Agent", "Chantal Chef"])
            # The manager does not evaluate herself
            chef, = Evaluation.search([('employee', '=', org.chef.id)])
            with self.assertRaises(UserError):
                Evaluation.start_interview([chef])
        with as_user(org.u_rh):
            self.assertEqual(len(Evaluation.search([])), 4)
        with as_user(org.u_rh_cpas):
            self.assertEqual(Evaluation.search([]), [])
        with as_user(org.u_bob):
            self.assertEqual(Evaluation.search([]), [bob])
