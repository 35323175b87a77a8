

def load_tests(loader, tests, pattern):
    "Run the unit tests and the scenarios with `python -m unittest <pkg>`"
    import importlib
    import pathlib
    for path in sorted(pathlib.Path(__file__).parent.glob('test_*.py')):
        module = importlib.import_module(f'{__name__}.{path.stem}')
        tests.addTests(loader.loadTestsFromModule(module))
    return tests
