"The legal deadline arithmetic, on the dated cases of the issue"
import datetime as dt
import unittest

from trytond.modules.mons_permit import capakey, deadline

D = dt.date
# Belgian public holidays of 2026 and New Year 2027
HOLIDAYS = {D(2026, 1, 1), D(2026, 4, 6), D(2026, 5, 1), D(2026, 5, 14),
    D(2026, 5, 25), D(2026, 7, 21), D(2026, 8, 15), D(2026, 11, 1),
    D(2026, 11, 11), D(2026, 12, 25), D(2027, 1, 1)}


class DeadlineTestCase(unittest.TestCase):

    def kinds(self, computed):
        return [s.kind for s in computed.steps]

    def test_deposit_friday_before_easter(self):
        "A deposit on Good Friday: completeness, declaration, certificate"
        friday = D(2026, 4, 3)
        # 20 days for completeness: Easter Monday is inside, not at the end
        computed = deadline.add_days(friday, 20, HOLIDAYS, label='deposit')
        self.assertEqual(computed.date, D(2026, 4, 23))
        self.assertEqual(self.kinds(computed), ['deposit', 'add'])
        # A class 3 declaration (15 days) ends on Saturday 18 April
        computed = deadline.add_days(friday, 15, HOLIDAYS)
        self.assertEqual(computed.date, D(2026, 4, 20))
        self.assertEqual(self.kinds(computed),
            ['start', 'add', 'weekend', 'weekend'])
        # Three days end on Easter Monday: the next working day is Tuesday
        computed = deadline.add_days(friday, 3, HOLIDAYS)
        self.assertEqual(computed.date, D(2026, 4, 7))
        self.assertEqual(computed.steps[-1].kind, 'holiday')
        self.assertEqual(computed.steps[-1].values,
            {'date': D(2026, 4, 6), 'to': D(2026, 4, 7)})
        # A certificate complete that day (30 days) is due on Sunday 3 May
        computed = deadline.add_days(friday, 30, HOLIDAYS, label='complete')
        self.assertEqual(computed.date, D(2026, 5, 4))

    def test_inquiry_ending_on_sunday(self):
        "An inquiry whose fifteenth day is a Sunday closes on Monday"
        # Opening Friday 18 December: 6 days, then Christmas suspension
        # (24/12 to 01/01, 9 days), then 9 days up to Sunday 10 January
        computed = deadline.inquiry_end(D(2026, 12, 18), 15, HOLIDAYS)
        self.assertEqual(computed.date, D(2027, 1, 11))
        self.assertEqual(self.kinds(computed),
            ['inquiry_start', 'suspended', 'add', 'weekend'])
        self.assertEqual(computed.steps[1].values, {
                'start': D(2026, 12, 24), 'end': D(2027, 1, 1), 'days': 9})
        self.assertEqual(computed.steps[2].values['date'], D(2027, 1, 10))

    def test_inquiry_across_16_july(self):
        "The days from 16 July to 15 August are not counted"
        computed = deadline.inquiry_end(D(2026, 7, 6), 15, HOLIDAYS)
        # 10 days (6 to 15 July), 31 suspended, 5 days (16 to 20 August)
        self.assertEqual(computed.date, D(2026, 8, 20))
        self.assertEqual(computed.steps[1].values, {
                'start': D(2026, 7, 16), 'end': D(2026, 8, 15), 'days': 31})
        # Opening in the suspension: counted from 16 August, 15 days end on
        # Sunday 30 August
        computed = deadline.inquiry_end(D(2026, 7, 20), 15, HOLIDAYS)
        self.assertEqual(computed.date, D(2026, 8, 31))
        # A 30-day inquiry without suspension
        computed = deadline.inquiry_end(D(2026, 3, 2), 30, HOLIDAYS)
        self.assertEqual(computed.date, D(2026, 3, 31))
        self.assertEqual(self.kinds(computed), ['inquiry_start', 'add'])

    def test_decision_due_on_holiday(self):
        "A decision due on 11 November moves to the 12th"
        computed = deadline.add_days(D(2026, 10, 12), 30, HOLIDAYS,
            label='complete')
        self.assertEqual(computed.date, D(2026, 11, 12))
        self.assertEqual(computed.steps[-1].kind, 'holiday')
        # A decision due on Christmas (a Friday) moves to Monday 28
        computed = deadline.add_days(D(2026, 10, 11), 75, HOLIDAYS)
        self.assertEqual(computed.date, D(2026, 12, 28))
        self.assertEqual(self.kinds(computed)[-3:],
            ['holiday', 'weekend', 'weekend'])

    def test_prorogation(self):
        "The prorogation adds its days to the legal end, then rolls"
        computed = deadline.add_days(D(2026, 10, 12), 30, HOLIDAYS)
        extended = deadline.extend(computed, 30, HOLIDAYS, reason="Plans")
        # 11/11 + 30 = 11/12 (Friday, no move)
        self.assertEqual(extended.date, D(2026, 12, 11))
        self.assertEqual(self.kinds(extended), ['start', 'add', 'prorogation'])

    def test_suspension_periods(self):
        for date, expected in [
                (D(2026, 7, 15), False), (D(2026, 7, 16), True),
                (D(2026, 8, 15), True), (D(2026, 8, 16), False),
                (D(2026, 12, 23), False), (D(2026, 12, 24), True),
                (D(2027, 1, 1), True), (D(2027, 1, 2), False)]:
            self.assertEqual(deadline.suspended(date), expected, date)


class CapakeyTestCase(unittest.TestCase):

    def test_split_and_join(self):
        parts = capakey.split('53053A0123/02B045')
        self.assertEqual(parts, capakey.Capakey(
                '53053', 'A', '0123', '02', 'B', '045'))
        self.assertEqual(capakey.join(53053, 'a', 123, 2, 'b', 45),
            '53053A0123/02B045')
        self.assertEqual(capakey.join(53053, 'C', 7), '53053C0007/00_000')
        self.assertTrue(capakey.is_valid(' 53053a0123/02b045 '))

    def test_malformed(self):
        for value in ['53053A0123/2B045', '5305A0123/02B045',
                '53053AA123/02B045', '53053A0123-02B045',
                '53053A0123/02B45', '53053A0123/02-045', '', None,
                '53053A0123/02B0451']:
            self.assertFalse(capakey.is_valid(value), value)
