"Run code of the suite inside a trytond transaction of a site."
from contextlib import contextmanager


@contextmanager
def transaction(site, user=0, context=None, readonly=False, **extras):
    site.apply_environ()
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(site.database)
    pool.init()
    with Transaction().start(
            site.database, user, context=context or {},
            readonly=readonly, **extras) as txn:
        yield pool, txn
        if not readonly:
            txn.commit()


def run(site, func, user=0, context=None):
    """Call func(pool, transaction) in a transaction, started again with the
    table locks it asks for, as trytond's dispatcher does."""
    from trytond.transaction import TransactionError
    extras = {}
    while True:
        try:
            with transaction(site, user, context, **extras) as (pool, txn):
                return func(pool, txn)
        except TransactionError as error:
            error.fix(extras)


def company_context(pool):
    """Context of the municipality's main organisation (the one of its
    reference's municipality file, else its first organisation)"""
    Company = pool.get('company.company')
    companies = Company.search([])
    main = pool.get('mons.municipality').identity()['organisation_id']
    if not main:
        return {}
    return {'company': main, 'companies': [c.id for c in companies]}
