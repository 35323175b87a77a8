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
