"""The access matrix over REST: every model of the suite (and the Tryton
models it extends or points to) × every demo role × read / create / write /
delete / each button, against the expected answers of
tests/access_matrix.csv (its legend is in tests/access_matrix.py).

It runs on a site of its own, since it creates, writes, deletes and presses
buttons; `mons test` runs it on SQLite and again on PostgreSQL."""
import pytest

from access_matrix import ROLES, Prober, read_table

TABLE = read_table()


@pytest.fixture(scope='module')
def matrix(tmp_path_factory):
    from conftest import live_site
    with live_site(tmp_path_factory, 'matrix') as site:
        prober = Prober(site)
        yield prober, prober.answers()


def _letters(cells):
    return ''.join(sorted(cells, key='!rRcwdx'.index)) or '-'


def test_every_model_in_the_table(matrix):
    "A model or button added to the suite needs its line in the table"
    prober, answers = matrix
    missing = sorted(f'{m}:{b}' if b else m for m, b in answers
        if (m, b) not in TABLE)
    gone = sorted(f'{m}:{b}' if b else m for m, b in TABLE
        if (m, b) not in answers)
    assert not missing, f"lines to add to access_matrix.csv: {missing}"
    assert not gone, f"lines of models or buttons that are gone: {gone}"


def test_answers_are_clean(matrix):
    "No server error, every refusal a JSON 4xx with a French message"
    prober, answers = matrix
    assert not prober.problems, '\n'.join(prober.problems)


@pytest.mark.parametrize('line', sorted(
        f'{m}:{b}' if b else m for m, b in TABLE))
def test_access(matrix, line):
    prober, answers = matrix
    model, _, button = line.partition(':')
    key = (model, button or None)
    if key not in answers:
        pytest.skip("not on this site (see test_every_model_in_the_table)")
    expected, got = TABLE[key], answers[key]
    names = {'r': 'reads all', 'R': 'reads some', 'c': 'creates',
        'w': 'writes', 'd': 'deletes', 'x': 'presses',
        '!': 'gets a wrong answer'}
    wrong = []
    for role in ROLES:
        for letter in sorted(set(expected[role]) ^ set(got[role])):
            allowed = letter in got[role]
            wrong.append(f"{model} × {role} × {names[letter]}"
                f"{' ' + button if button else ''}: "
                f"{'allowed' if allowed else 'refused'} but the table says "
                f"{'no' if allowed else 'yes'} (expected "
                f"{_letters(expected[role])}, got {_letters(got[role])})")
    assert not wrong, '\n'.join(wrong)
