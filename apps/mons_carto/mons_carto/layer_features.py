# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"Reading the features imported into a layer (bbox, dates, properties)"
from sql import Cast
from sql.aggregate import Avg, Count, Max, Min
from sql.conditionals import Coalesce
from sql.functions import Floor

from trytond.pool import Pool
from trytond.transaction import Transaction


class ImportedFeaturesMixin:
    "Reading of the layers whose source is imported features"
    __slots__ = ()

    def _feature_domain(self, bbox, interval, filters, ids):
        domain = [('layer', '=', self.id)]
        if ids is not None:
            domain.append(('id', 'in', ids))
        if bbox:
            minx, miny, maxx, maxy = bbox
            domain += [
                ('minx', '<=', maxx),
                ('maxx', '>=', minx),
                ('miny', '<=', maxy),
                ('maxy', '>=', miny),
                # Redundant bounds so that the (layer, minx, miny) index
                # is scanned over a closed range
                ('minx', '>=', minx - (self.max_width or 0)),
                ('miny', '>=', miny - (self.max_height or 0)),
                ]
        if interval:
            start, end = interval
            domain.append(('date', '!=', None))
            if start:
                domain.append(('date', '>=', start))
            if end:
                domain.append(('date', '<=', end))
        for name, value in (filters or {}).items():
            domain.append(_value_clause('properties.%s' % name, value))
        return domain

    def _query_features(self, bbox, interval, filters, offset, limit, ids,
            overview=False):
        pool = Pool()
        Feature = pool.get('carto.feature')
        table = Feature.__table__()
        domain = self._feature_domain(bbox, interval, filters, ids)
        with Transaction().set_context(active_test=False):
            matched = Feature.search(domain, count=True)
            # A query, not records: browsing 1,000 instances costs more
            # than the whole SQL
            query = Feature.search(domain, offset=offset, limit=limit,
                order=[('id', 'ASC')], query=True)
        cursor = Transaction().connection.cursor()
        # The stored texts are sent as they are, without decoding and
        # encoding them again
        geometry = table.geometry
        if overview:
            # simplified once at import (feature.overviews); points have none
            geometry = Coalesce(table.geometry_overview, table.geometry)
        cursor.execute(*table.select(
                table.id, geometry,
                # as text: PostgreSQL would decode the JSON otherwise
                Cast(table.properties, 'TEXT'),
                where=table.id.in_(query),
                order_by=[table.id.asc]))
        return matched, list(cursor)


    def aggregate_features(self, bbox, cell):
        """The features of bbox (CRS84) counted by square cells of `cell`
        degrees, as the caller may read them: [(count, x, y, minx, miny,
        maxx, maxy)], x and y the mean position. A view of a layer of
        10^5 points is then some hundred rows, whatever the zoom."""
        pool = Pool()
        Feature = pool.get('carto.feature')
        table = Feature.__table__()
        domain = self._feature_domain(bbox, None, None, None)
        with Transaction().set_context(active_test=False):
            query = Feature.search(domain, query=True)
        column, row = Floor(table.minx / cell), Floor(table.miny / cell)
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                Count(table.id), Avg(table.minx), Avg(table.miny),
                Min(table.minx), Min(table.miny),
                Max(table.maxx), Max(table.maxy),
                where=table.id.in_(query),
                group_by=[column, row]))
        return list(cursor)


def _value_clause(name, value):
    "Match a URL string against text or numeric stored values"
    clauses = [(name, '=', value)]
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        if number.is_integer():
            clauses.append((name, '=', int(number)))
        clauses.append((name, '=', number))
    if len(clauses) == 1:
        return clauses[0]
    return ['OR'] + clauses
