# Stateless trytond WSGI processes: `gunicorn -c bench_config/gunicorn.conf.py`
# (TRYTOND_CONFIG points to the site's trytond.conf).
import configparser
import multiprocessing
import os

# Each process loads the database's pool (every module's routes and checks)
# when it starts, before its first request, as `trytond -d` does: the site's
# database ([site] database of TRYTOND_CONFIG) unless TRYTOND_DATABASE_NAMES
# names them
if not os.environ.get('TRYTOND_DATABASE_NAMES') and os.environ.get(
        'TRYTOND_CONFIG'):
    _site = configparser.ConfigParser(interpolation=None)
    _site.read(os.environ['TRYTOND_CONFIG'])
    if _site.get('site', 'database', fallback=''):
        os.environ['TRYTOND_DATABASE_NAMES'] = _site.get('site', 'database')

wsgi_app = 'trytond.application:app'
bind = os.environ.get('MONS_BIND', '127.0.0.1:8000')
workers = int(os.environ.get('MONS_WORKERS', multiprocessing.cpu_count() * 2))
threads = 1
timeout = 120
max_requests = 2000
max_requests_jitter = 200
accesslog = '-'
