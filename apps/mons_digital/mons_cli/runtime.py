"Run code of the suite inside a trytond transaction of a site."
from contextlib import contextmanager


@contextmanager
def transaction(site, user=0, context=None, readonly=False):
    site.apply_environ()
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(site.database)
    pool.init()
    with Transaction().start(
            site.database, user, context=context or {},
            readonly=readonly) as txn:
        yield pool, txn
        if not readonly:
            txn.commit()


def company_context(pool, code='VILLE'):
    "Context of the organisation whose party has this identifier code"
    Company = pool.get('company.company')
    companies = Company.search([])
    by_name = {c.party.name: c for c in companies}
    name = {'VILLE': 'Ville de Mons', 'CPAS': 'CPAS de Mons'}[code]
    company = by_name.get(name)
    if not company:
        return {}
    return {'company': company.id, 'companies': [c.id for c in companies]}
