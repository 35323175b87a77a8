# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""File imports of layers, run by the queue: the wizard and the REST API
only check the file quickly, store it with an import record and queue it;
the worker reads and writes the features and records the outcome."""
import base64
import binascii
import csv
import datetime as dt
import io
import logging
import time
import zipfile

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.mons_base import upload
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import geo
from .exceptions import ImportError_

logger = logging.getLogger(__name__)

FORMATS = [
    ('geojson', "GeoJSON"),
    ('csv', "CSV with coordinates"),
    ('gpkg', "GeoPackage"),
    ('shapefile', "Zipped Shapefile"),
    ]
QUEUE_NAME = 'mons_carto_import'
_GPKG_MAGIC = b'SQLite format 3\x00'


class LayerImportRecord(Workflow, ModelSQL, ModelView):
    "Import of a file into a layer, run by the queue"
    __name__ = 'carto.layer.import'
    __string__ = "Layer Import"

    _draft = {'readonly': Eval('state') != 'draft'}
    layer = fields.Many2One('carto.layer', "Layer", required=True,
        ondelete='CASCADE', states=_draft,
        domain=[('source', '=', 'features')])
    file = fields.Binary("File", required=True, filename='filename',
        states=_draft)
    filename = fields.Char("File Name", required=True, states=_draft)
    file_size = fields.Integer("File Size (bytes)", readonly=True)
    format = fields.Selection([(None, "Automatic (file name)")] + FORMATS,
        "Format", states=_draft)
    crs = fields.Selection([(None, "Layer's source CRS")] + geo.SOURCE_CRS,
        "CRS", states=_draft,
        help="Used when the file does not declare its CRS.")
    x_column = fields.Char("X / Longitude Column", states=_draft)
    y_column = fields.Char("Y / Latitude Column", states=_draft)
    replace = fields.Boolean("Replace Existing Features", states=_draft,
        help="Delete the features of the layer when the file is imported.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('queued', "Queued"),
            ('done', "Done"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True, sort=False)
    features_created = fields.Integer("Features Created", readonly=True)
    features_rejected = fields.Integer("Features Rejected", readonly=True,
        help="Lines or features in error; the import is all or nothing, "
        "so none of the file was written when this is not zero.")
    errors = fields.Text("Errors", readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True,
        ondelete='SET NULL')
    queued_at = fields.DateTime("Queued At", readonly=True)
    started = fields.DateTime("Started", readonly=True)
    ended = fields.DateTime("Ended", readonly=True)
    duration = fields.Float("Duration (s)", digits=(16, 2), readonly=True)
    del _draft
    _outcome_fields = {'state', 'file_size', 'features_created',
        'features_rejected', 'errors', 'user', 'queued_at', 'started',
        'ended', 'duration'}
    _draft_fields = {'layer', 'file', 'filename', 'format', 'crs',
        'x_column', 'y_column', 'replace'}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'queued'),
            ('queued', 'done'),
            ('queued', 'failed'),
            ('failed', 'draft'),
            }
        cls._buttons.update({
                'queue': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'failed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_replace(cls):
        return False

    @classmethod
    def default_user(cls):
        return Transaction().user or None

    def get_rec_name(self, name):
        return '%s › %s' % (self.layer.rec_name, self.filename)

    @classmethod
    def create(cls, vlist):
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            # The outcome is the worker's, the state the buttons'
            vlist = [{k: v for k, v in values.items()
                    if k not in cls._outcome_fields}
                for values in vlist]
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('file') is not None:
                values['file_size'] = len(values['file'])
            values.setdefault('user', Transaction().user or None)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for records, values in zip(actions, actions):
            if 'file' in values:
                values = values.copy()
                values['file_size'] = len(values['file'] or b'')
            args.extend((records, values))
        super().write(*args)

    @classmethod
    def validate(cls, imports):
        super().validate(imports)
        for import_ in imports:
            if import_.state == 'draft' and import_.file:
                # A compression bomb is refused when stored; a file that
                # does not open is told with its format when queued
                # (the import's own maximum is told by check_file)
                try:
                    upload.check(import_.file, import_.filename,
                        kinds=upload.GEO_KINDS)
                except upload.UnreadableUpload:
                    pass

    def check_limits(self):
        "The limits of any upload (upload.py), within the import's maximum"
        Configuration = Pool().get('carto.configuration')
        upload.check(self.file, self.filename,
            max_size=Configuration(1).get_import_max_bytes(),
            kinds=upload.GEO_KINDS)

    @classmethod
    def check_modification(cls, mode, imports, values=None, external=False):
        super().check_modification(
            mode, imports, values=values, external=external)
        if mode != 'write' or not external:
            return
        # The size of a new file is computed by write() itself
        given = set(values) - ({'file_size'} if 'file' in values else set())
        for name in cls._outcome_fields & given:
            raise AccessError(gettext('mons_carto.msg_field_computed',
                    field=cls.__names__(name)['field'],
                    model=cls.__names__()['model']))
        changed = cls._draft_fields & set(values)
        if changed:
            for import_ in imports:
                if import_.state != 'draft':
                    raise AccessError(gettext(
                            'mons_carto.msg_import_not_draft',
                            import_=import_.rec_name,
                            field=cls.__names__(changed.pop())['field']))

    @classmethod
    def copy(cls, imports, default=None):
        default = default.copy() if default else {}
        for name in ['features_created', 'features_rejected', 'errors',
                'queued_at', 'started', 'ended', 'duration', 'user']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(imports, default=default)

    # --- quick checks (in the user's request) ---------------------------

    def check_file(self):
        """Check in a few milliseconds what can be checked without reading
        the features: layer kind, size, format and its signature, and for a
        CSV the coordinate columns. The features are checked by the queue."""
        pool = Pool()
        Configuration = pool.get('carto.configuration')
        layer = self.layer
        if layer.source != 'features':
            raise ImportError_(gettext(
                    'mons_carto.msg_import_model_layer', layer=layer.rec_name))
        data = bytes(self.file or b'')
        if not data:
            raise ImportError_(gettext('mons_carto.msg_import_file_empty',
                    filename=self.filename))
        maximum = Configuration(1).get_import_max_bytes()
        if maximum and len(data) > maximum:
            raise ImportError_(gettext('mons_carto.msg_import_file_too_large',
                    filename=self.filename,
                    size=round(len(data) / 2 ** 20, 1),
                    maximum=round(maximum / 2 ** 20, 1)))
        format = self.format or geo.detect_format(self.filename)
        if not format:
            raise ImportError_(gettext('mons_carto.msg_import_format_unknown',
                    filename=self.filename))
        labels = dict(FORMATS)
        mismatch = ImportError_(gettext(
                'mons_carto.msg_import_format_mismatch',
                filename=self.filename, format=labels[format]))
        if format == 'geojson':
            if data.lstrip(b'\xef\xbb\xbf \t\r\n')[:1] != b'{':
                raise mismatch
        elif format == 'gpkg':
            if not data.startswith(_GPKG_MAGIC):
                raise mismatch
        elif format == 'shapefile':
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    names = archive.namelist()
            except zipfile.BadZipFile:
                raise mismatch
            if not any(n.lower().endswith('.shp') for n in names):
                raise ImportError_(gettext(
                        'mons_carto.msg_import_zip_no_shapefile'))
        elif format == 'csv':
            self._check_csv_header(data)
        # Inflated size of a zipped Shapefile, a GeoPackage that opens as
        # SQLite: measured before the queue reads the file
        self.check_limits()
        # Without a CRS given here, the one declared in the file or else
        # the layer's own (always set) is used: the CRS is never unknown.
        return format

    def _check_csv_header(self, data):
        head = data[:65536]
        try:
            text = head.decode('utf-8-sig')
        except UnicodeDecodeError as error:
            # A multi-byte character may be cut at the end of the sample
            text = head[:error.start].decode('utf-8-sig') if (
                error.start > len(head) - 4) else head.decode('cp1252')
        first = text.splitlines()[0] if text else ''
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=',;\t|')
        except csv.Error:
            dialect = csv.excel
        fieldnames = [f.strip() for f in next(
                csv.reader([first], dialect=dialect), [])]
        x_column = self.x_column or geo.guess_x_column(fieldnames)
        y_column = self.y_column or geo.guess_y_column(fieldnames)
        for name, column in [('x', x_column), ('y', y_column)]:
            if not column or column not in fieldnames:
                raise ImportError_(gettext(
                        'mons_carto.msg_import_csv_column_missing',
                        column=column or name,
                        columns=', '.join(fieldnames)))

    @classmethod
    @ModelView.button
    @Workflow.transition('queued')
    def queue(cls, imports):
        "Check the files and queue their import, one task each"
        for import_ in imports:
            import_.format = import_.check_file()
            import_.queued_at = dt.datetime.now()
            import_.errors = None
            import_.features_created = import_.features_rejected = None
            import_.started = import_.ended = import_.duration = None
        cls.save(imports)
        with Transaction().set_context(queue_name=QUEUE_NAME):
            for import_ in imports:
                # One task per file: a failure rolls back only its own work
                cls.__queue__.process([import_])

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, imports):
        pass

    # --- the queued work -----------------------------------------------

    @classmethod
    def process(cls, imports):
        """Run the queued imports; the ones no longer queued (done, failed,
        back to draft) are left alone, so a replayed task does nothing."""
        for import_ in imports:
            # Two workers running the same task wait for each other here
            cls.lock([import_])
            import_ = cls(import_.id)
            if import_.state != 'queued':
                continue
            language = (import_.user.language.code
                if import_.user and import_.user.language else None)
            with Transaction().set_context(
                    language=language or Transaction().language):
                import_._run()

    def _run(self):
        pool = Pool()
        Layer = pool.get('carto.layer')
        started = dt.datetime.now()
        clock = time.monotonic()
        values = {'started': started}
        try:
            layer = Layer(self.layer.id)
            created = layer.load_file(bytes(self.file), self.filename,
                format=self.format, crs=self.crs,
                x_column=self.x_column, y_column=self.y_column,
                replace=self.replace)
        except ImportError_ as error:
            # load_file checks everything before writing: nothing to undo
            values.update(state='failed', features_created=0,
                features_rejected=getattr(error, 'rejected', None),
                errors='\n'.join(filter(None,
                        [error.message, error.description])))
        except backend.DatabaseOperationalError:
            # Lock or serialisation conflict: the worker retries the task
            raise
        except Exception as error:
            logger.exception("import %s of layer %s failed", self.id,
                self.layer.id)
            # Undo whatever was written before the failure; the import
            # record is then written in the same, now empty, transaction
            Transaction().rollback()
            values.update(state='failed', features_created=0,
                errors=gettext('mons_carto.msg_import_unexpected',
                    error='%s: %s' % (error.__class__.__name__, error)))
        else:
            values.update(state='done', features_created=created,
                features_rejected=0, errors=None)
        values.update(ended=dt.datetime.now(),
            duration=round(time.monotonic() - clock, 2))
        state = values.pop('state')
        record = self.__class__(self.id)
        # The transition methods keep the workflow's check of the states
        getattr(self.__class__, 'done' if state == 'done' else 'fail')(
            [record])
        self.__class__.write([record], values)

    @classmethod
    @Workflow.transition('done')
    def done(cls, imports):
        pass

    @classmethod
    @Workflow.transition('failed')
    def fail(cls, imports):
        pass

    @classmethod
    def start(cls, layer, file, filename, format=None, crs=None,
            x_column=None, y_column=None, replace=False):
        "Create, check and queue an import of file into layer"
        import_, = cls.create([{
                    'layer': layer.id,
                    'file': file,
                    'filename': filename,
                    'format': format or None,
                    'crs': crs or None,
                    'x_column': x_column or None,
                    'y_column': y_column or None,
                    'replace': bool(replace),
                    }])
        cls.queue([import_])
        return import_


def decode_file(value):
    "The file of a REST or JSON-RPC call: bytes or base64 text"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        for altchars in [None, b'-_']:
            try:
                return base64.b64decode(value, altchars=altchars,
                    validate=True)
            except (binascii.Error, ValueError):
                continue
    raise ImportError_(gettext('mons_carto.msg_import_file_not_base64'))


class LayerImportStart(ModelView):
    __name__ = 'carto.layer.import.start'

    layer = fields.Many2One('carto.layer', "Layer", readonly=True)
    file = fields.Binary("File", required=True, filename='filename')
    filename = fields.Char("File Name", required=True)
    format = fields.Selection([(None, "Automatic (file name)")] + FORMATS,
        "Format")
    crs = fields.Selection([(None, "Layer's source CRS")] + geo.SOURCE_CRS,
        "CRS", help="Used when the file does not declare its CRS.")
    x_column = fields.Char("X / Longitude Column",
        states={'invisible': ~Eval('format').in_([None, 'csv'])},
        help="Guessed from the header (x, lon, longitude…) when empty.")
    y_column = fields.Char("Y / Latitude Column",
        states={'invisible': ~Eval('format').in_([None, 'csv'])},
        help="Guessed from the header (y, lat, latitude…) when empty.")
    replace = fields.Boolean("Replace Existing Features")


class LayerImport(Wizard):
    "Check a file, queue its import and open the import record"
    __name__ = 'carto.layer.import.wizard'

    start = StateView('carto.layer.import.start',
        'mons_carto.layer_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateAction('mons_carto.act_layer_import_form')

    def default_start(self, fields):
        return {'layer': self.record.id if self.record else None}

    def do_import_(self, action):
        pool = Pool()
        Import = pool.get('carto.layer.import')
        Layer = pool.get('carto.layer')
        import_ = Import.start(Layer(self.record.id),
            bytes(self.start.file), self.start.filename,
            format=self.start.format, crs=self.start.crs,
            x_column=self.start.x_column, y_column=self.start.y_column,
            replace=self.start.replace)
        action['views'].reverse()
        return action, {'res_id': [import_.id]}
