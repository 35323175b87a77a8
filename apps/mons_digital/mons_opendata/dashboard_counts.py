# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""Counts other modules add to the public open-data dashboard.

A module registers, at import, a counter for a KPI of the dashboard::

    from trytond.modules.mons_opendata.dashboard_counts import register
    register('online_applications', "Demandes de permis", count_permits)

``count(pool)`` runs while the dashboard acts as the anonymous visitor,
under Tryton's checks: it may only read what the public group reads (an
aggregate model published for it), never root. A counter counts while its
module is activated. The dashboard shows each KPI's total and, per
counter, its label and count.
"""
import inspect
from collections import namedtuple

from trytond.modules.mons_base.portal_i18n import N_

Counter = namedtuple('Counter', ['kpi', 'label', 'count', 'module'])
_counters = []

# The KPIs the dashboard knows, with their French title (N_: shown in
# the visitor's language)
KPIS = {
    'online_applications': N_("demandes reçues en ligne"),
    }


def _caller_module():
    name = inspect.stack()[2].frame.f_globals.get('__name__', '')
    parts = name.split('.')
    if len(parts) >= 3 and parts[:2] == ['trytond', 'modules']:
        return parts[2]
    return None


def register(kpi, label, count):
    "Add count(pool) -> int, labelled label, to the KPI kpi"
    assert kpi in KPIS, kpi
    counter = Counter(kpi, label, count, _caller_module())
    for i, other in enumerate(_counters):
        if (other.kpi, other.label) == (kpi, label):
            _counters[i] = counter
            break
    else:
        _counters.append(counter)
    return counter


def counts(pool):
    """{kpi: (total, [(label, count)])} of the counters of the activated
    modules"""
    Module = pool.get('ir.module')
    modules = {c.module for c in _counters if c.module}
    activated = set()
    if modules:
        # ir.module is readable by everyone
        activated = {m.name for m in Module.search([
                    ('name', 'in', list(modules)),
                    ('state', '=', 'activated'),
                    ])}
    result = {kpi: (0, []) for kpi in KPIS}
    for counter in _counters:
        if counter.module and counter.module not in activated:
            continue
        value = counter.count(pool)
        total, parts = result[counter.kpi]
        result[counter.kpi] = (total + value, parts + [(counter.label, value)])
    return result
