"Erasure of a person's data (GDPR right to erasure)."
from trytond.pool import Pool, PoolMeta


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def transition_erase(self):
        pool = Pool()
        Email = pool.get('marketing.email')
        Party = pool.get('party.party')
        # Subscriptions only hold the address: they go with the person
        parties = Party.search([
                ('replaced_by', 'in', [self.ask.party.id]),
                ('active', '=', False)]) + [self.ask.party]
        for party in parties:
            self.check_erase(party)
        emails = Email.search([
                ('contact', 'in', [p.id for p in parties]),
                ('active', 'in', [True, False]),
                ])
        Email.delete(emails)
        return super().transition_erase()

    def to_erase(self, party_id):
        pool = Pool()
        Party = pool.get('party.party')
        Consent = pool.get('mons.crm.consent')
        result = super().to_erase(party_id)
        result.append(
            (Party, [('id', '=', party_id)], False,
                ['first_name', 'last_name', 'civility', 'birth_date',
                    'crm_notes'],
                [None] * 5))
        # Consent records prove the processing was lawful: their date, list
        # and source stay, the personal proof goes.
        result.append((Consent, [('party', '=', party_id)], False,
                ['email', 'proof', 'ip_address'], ['****', None, None]))
        return result
