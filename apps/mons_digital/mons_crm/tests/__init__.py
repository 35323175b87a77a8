import importlib
import pkgutil


def load_tests(loader, tests, pattern):
    "Run every test_*.py of the package with `python -m unittest <package>`"
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith('test_'):
            module = importlib.import_module(f'{__name__}.{info.name}')
            tests.addTests(loader.loadTestsFromModule(module))
    return tests
