"Test helpers shared by the suite's modules."
from trytond.tests.test_tryton import with_transaction


class FrenchTranslationTestMixin:
    "Fails when a user-visible string of the module has no French"

    @with_transaction()
    def test_french_translation_complete(self):
        from mons_cli.i18n import missing_french
        missing = missing_french(self.module)
        self.assertFalse(missing,
            msg=f"{len(missing)} string(s) of {self.module} without French "
            "in locale/fr.po (run `mons po %s` and translate): %s" % (
                self.module, ', '.join(
                    f'{e.msgctxt} {e.msgid!r}' for e in missing[:10])))


class DeskViewsTestMixin:
    """Fails on a list view that sao cannot draw.

    sao has no date-time column: a list shows a date-time field as two
    columns, widget="date" and widget="time" (as Tryton's attendance
    period_list.xml does); without a widget the client throws
    "ColumnFactory is not a constructor" and the screen never opens."""

    @with_transaction()
    def test_list_views_drawable(self):
        from lxml import etree

        from trytond.pool import Pool
        pool = Pool()
        View = pool.get('ir.ui.view')
        problems = []
        views = View.search([
                ('module', '=', self.module),
                ('type', 'in', ['tree', None]),
                ])
        for view in views:
            try:
                Model = pool.get(view.model)
            except KeyError:
                continue
            arch = Model.fields_view_get(view_id=view.id)
            if arch['type'] != 'tree':
                continue
            tree = etree.fromstring(arch['arch'])
            for node in tree.iter('field'):
                name = node.get('name')
                field = arch['fields'].get(name, {})
                if (field.get('type') in {'datetime', 'timestamp'}
                        and node.get('widget') not in {'date', 'time'}):
                    problems.append(f'{view.model} {view.name}: {name}')
        self.assertFalse(problems,
            msg="list views showing a date-time without widget=\"date\" "
            "or widget=\"time\": " + ', '.join(problems))

    @with_transaction()
    def test_form_fields_labelled(self):
        """Fails on a form field that screen readers cannot name.

        sao names a field's input after the <label> or <separator> of the
        same name in the view (aria-labelledby); without one the input has
        no accessible name (axe-core "label", "select-name")."""
        from lxml import etree

        from trytond.pool import Pool
        pool = Pool()
        View = pool.get('ir.ui.view')
        problems = []
        for view in View.search([
                    ('module', '=', self.module),
                    ('type', 'in', ['form', None]),
                    ]):
            try:
                Model = pool.get(view.model)
            except KeyError:
                continue
            arch = Model.fields_view_get(view_id=view.id)
            if arch['type'] != 'form':
                continue
            tree = etree.fromstring(arch['arch'])
            names = {n.get('name') for n in tree.iter('label', 'separator')}
            for node in tree.iter('field'):
                name = node.get('name')
                field = arch['fields'].get(name, {})
                if (field.get('type') in LABELLED_TYPES
                        and node.get('widget') not in UNLABELLED_WIDGETS
                        and node.get('invisible') not in {'1', 'true'}
                        and name not in names):
                    problems.append(f'{view.model} {view.name}: {name}')
        self.assertFalse(problems,
            msg="form fields without <label name=…> nor <separator "
            "name=…>: " + ', '.join(problems))


# Field types whose sao widget is an input named by its label; one2many,
# many2many, binary and dict widgets are panels titled by sao itself
LABELLED_TYPES = {
    'boolean', 'char', 'date', 'datetime', 'float', 'integer', 'many2one',
    'multiselection', 'numeric', 'reference', 'selection', 'text', 'time',
    'timedelta', 'timestamp',
    }
UNLABELLED_WIDGETS = {'image', 'one2many', 'many2many'}
