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
