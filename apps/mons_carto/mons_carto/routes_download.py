# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"Whole layers to download as GeoJSON or CSV"
import csv
import io
import json

import shapely
from trytond.protocols.wrappers import Response

from . import ogc
from .routes import _json_response, _layer, endpoint


@endpoint('/download/<collection>.geojson')
def download_geojson(request, pool, collection):
    ogc.check_parameters(request.args, set())
    layer = _layer(pool, request, collection)
    _, rows = layer.query_features(limit=None)
    body = ('{"type":"FeatureCollection","name":%s,"features":[%s]}' % (
            json.dumps(layer.code), ','.join(ogc.features_text(rows))))
    return _json_response(body, content_type=ogc.GEOJSON, headers={
            'Content-Disposition':
            'attachment; filename="%s.geojson"' % layer.code})


@endpoint('/download/<collection>.csv')
def download_csv(request, pool, collection):
    ogc.check_parameters(request.args, set())
    layer = _layer(pool, request, collection)
    _, rows = layer.query_features(limit=None)
    properties = [json.loads(r[2]) if isinstance(r[2], str) else dict(
            r[2] or {}) for r in rows]
    names = []
    for values in properties:
        for key in values:
            if key not in names:
                names.append(key)
    geometries = shapely.from_geojson([r[1] for r in rows]) if rows else []
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(['id'] + names + ['longitude', 'latitude', 'wkt'])
    if rows:
        points = shapely.point_on_surface(geometries)
        xs, ys = shapely.get_x(points), shapely.get_y(points)
        wkts = shapely.to_wkt(geometries, rounding_precision=7)
        for row, values, x, y, wkt in zip(rows, properties, xs, ys, wkts):
            writer.writerow([row[0]]
                + [_csv_value(values.get(n)) for n in names]
                + [round(float(x), 7), round(float(y), 7), wkt])
    return Response(output.getvalue(), content_type='text/csv; charset=utf-8',
        headers={'Content-Disposition':
            'attachment; filename="%s.csv"' % layer.code})


def _csv_value(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return '' if value is None else value


