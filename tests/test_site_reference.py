"""A site is one municipality: `mons init --reference FOLDER` creates it
from that municipality's reference folder (checked first, with French
messages naming file, line and field), `mons update` reloads it without
duplicating, and nothing of Mons comes along."""
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
MONS = str(pathlib.Path(sys.executable).parent / 'mons')
TEMPLATE = ROOT / 'templates' / 'commune-exemple'


def mons(*args):
    env = dict(os.environ, TRYTOND_DATABASE__URI='sqlite://')
    for name in ('TRYTOND_CONFIG', 'DB_NAME', 'TRYTOND_WEB__LISTEN'):
        env.pop(name, None)
    return subprocess.run([MONS, *args], capture_output=True, text=True,
        env=env, cwd=ROOT)


def test_bad_reference_named_by_file_line_and_field(tmp_path):
    folder = tmp_path / 'reference'
    shutil.copytree(TEMPLATE, folder)
    services = folder / 'services.csv'
    services.write_text(services.read_text(encoding='utf-8').replace(
            'URB;Urbanisme et environnement;department;COMMUNE;DG',
            'URB;Urbanisme et environnement;bureau;COMMUNE;XX'),
        encoding='utf-8')
    (folder / 'sections.csv').write_text(
        'code;name;postal_code;latitude\n'
        'EXEMPLE;Exemple;699;50,41\n'
        'BOISVILLE;;6998;abc\n', encoding='utf-8')
    site = tmp_path / 'site'
    result = mons('init', '--site', str(site), '--reference', str(folder))
    assert result.returncode == 2, result.stderr
    problems = result.stderr
    assert 'Traceback' not in problems
    assert "rien n'a été écrit" in problems
    assert ('services.csv, ligne 5, champ « kind » : « bureau » refusé'
        in problems)
    assert ('services.csv, ligne 5, champ « parent » : « XX » n\'est le '
        'code d\'aucun service') in problems
    assert ('sections.csv, ligne 2, champ « postal_code » : « 699 » refusé'
        in problems)
    assert 'sections.csv, ligne 3, champ « name » : obligatoire' in problems
    assert ('sections.csv, ligne 3, champ « latitude » : « abc » n\'est pas '
        'un nombre') in problems
    # Checked before anything is created
    assert not site.exists()


def test_second_municipality_from_its_reference(tmp_path):
    site = tmp_path / 'exemple'
    result = mons('init', '--site', str(site), '--reference', str(TEMPLATE),
        '--demo-password', '--sender', 'noreply@exemple.example')
    assert result.returncode == 0, result.stderr
    assert (site / 'reference' / 'sections.csv').exists()
    result = mons('update', '--site', str(site))
    assert result.returncode == 0, result.stderr

    def facts():
        with sqlite3.connect(site / 'db' / 'exemple.sqlite') as db:
            organisations = sorted(r[0] for r in db.execute(
                    'SELECT p.name FROM company_company c '
                    'JOIN party_party p ON p.id = c.party'))
            sections = sorted(db.execute(
                    'SELECT code, name, nis FROM mons_section'))
            services = dict(db.execute('SELECT code, name FROM mons_service'))
            holidays = {r[0] for r in db.execute(
                    'SELECT name FROM mons_holiday')}
            parties = [r[0] for r in db.execute(
                    'SELECT name FROM party_party')]
        return organisations, sections, services, holidays, parties

    organisations, sections, services, holidays, parties = facts()
    assert organisations == ["CPAS d'Exemple", "Commune d'Exemple"]
    assert sections == [('BOISVILLE', 'Boisville', '99002'),
        ('EXEMPLE', 'Exemple', '99001'), ('PRE-HAUT', 'Pré-Haut', '99003')]
    assert services['URB'] == 'Urbanisme et environnement'
    assert "Lundi de la kermesse d'Exemple" in holidays
    assert 'Noël' in holidays  # Belgium's legal days come along
    assert not [n for n in [*holidays, *parties, *services.values()]
        if 'Mons' in n or 'Ducasse' in n]

    # The municipality changes its reference: reloaded, nothing doubled
    sections_csv = site / 'reference' / 'sections.csv'
    sections_csv.write_text(sections_csv.read_text(encoding='utf-8')
        .replace('Boisville;6998', 'Boisville-sur-Meuse;6998'),
        encoding='utf-8')
    result = mons('update', '--site', str(site))
    assert result.returncode == 0, result.stderr
    organisations, sections, services, holidays_again, _ = facts()
    assert organisations == ["CPAS d'Exemple", "Commune d'Exemple"]
    assert ('BOISVILLE', 'Boisville-sur-Meuse', '99002') in sections
    assert len(sections) == 3
    assert holidays_again == holidays
