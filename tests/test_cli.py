"The site tool's errors are one clear line, never a traceback."
import os
import pathlib
import socket
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
MONS = str(pathlib.Path(sys.executable).parent / 'mons')


def mons(*args, env=None):
    return subprocess.run([MONS, *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, cwd=ROOT)


def test_missing_site():
    result = mons('update', '--site', 'nowhere')
    assert result.returncode == 2
    assert "Site 'nowhere' not found" in result.stderr
    assert 'dev' in result.stderr  # lists the sites available
    assert 'Traceback' not in result.stderr


def test_wrong_database_uri(tmp_path):
    (tmp_path / 'trytond.conf').write_text('[database]\nuri = mysql://x\n')
    result = mons('init', '--site', str(tmp_path))
    assert result.returncode == 2
    assert "Wrong database URI 'mysql://x'" in result.stderr


def test_unreachable_postgresql(tmp_path):
    (tmp_path / 'trytond.conf').write_text('[site]\ndatabase = x\n')
    result = mons('init', '--site', str(tmp_path), env={
            'TRYTOND_DATABASE__URI': 'postgresql://nobody:no@127.0.0.1:1/'})
    assert result.returncode == 2
    assert 'Cannot connect to PostgreSQL' in result.stderr


def test_port_in_use(tmp_path):
    (tmp_path / 'trytond.conf').write_text('[site]\ndatabase = x\n')
    (tmp_path / 'db').mkdir()
    (tmp_path / 'db' / 'x.sqlite').touch()
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = mons('start', '--site', str(tmp_path),
            env={'TRYTOND_WEB__LISTEN': f'127.0.0.1:{port}'})
    assert result.returncode == 2
    assert f'Port {port} on 127.0.0.1 is already in use' in result.stderr


def test_key_for_unknown_user_on_missing_database(tmp_path):
    (tmp_path / 'trytond.conf').write_text('[site]\ndatabase = x\n')
    result = mons('key', '--site', str(tmp_path), 'admin')
    assert result.returncode == 2
    assert "has no database 'x' yet" in result.stderr
