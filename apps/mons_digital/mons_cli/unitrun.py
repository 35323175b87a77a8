"""Run the unittest suite of one module (scenario doctests included, through
its load_tests) and write the counts as JSON for `mons test`."""
import json
import sys
import unittest


def load(loader, name):
    "Every test_*.py module of the package, through their load_tests"
    import importlib
    import pkgutil
    package = importlib.import_module(name)
    suite = unittest.TestSuite()
    for info in sorted(pkgutil.iter_modules(package.__path__),
            key=lambda i: i.name):
        if info.name.startswith('test'):
            suite.addTests(loader.loadTestsFromName(f'{name}.{info.name}'))
    return suite


def main(name, result_file):
    loader = unittest.TestLoader()
    try:
        suite = load(loader, name)
    except Exception as exception:  # an import error is a failure
        print(f"{name}: cannot load tests: {exception!r}", file=sys.stderr)
        counts = {'run': 1, 'failed': 1, 'skipped': 0}
    else:
        result = unittest.TextTestRunner(
            stream=sys.stderr, verbosity=1).run(suite)
        counts = {
            'run': result.testsRun,
            'failed': len(result.failures) + len(result.errors)
            + len(result.unexpectedSuccesses),
            'skipped': len(result.skipped),
            }
    with open(result_file, 'w') as fp:
        json.dump(counts, fp)
    return 1 if counts['failed'] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
