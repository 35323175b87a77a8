# `python -m unittest trytond.modules.mons_carto.tests` runs every test file
import importlib
import pkgutil


def load_tests(loader, tests, pattern):
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith('test_'):
            module = importlib.import_module('%s.%s' % (__name__, info.name))
            tests.addTests(loader.loadTestsFromModule(module))
    return tests
