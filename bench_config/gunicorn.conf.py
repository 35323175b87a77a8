# Stateless trytond WSGI processes: `gunicorn -c bench_config/gunicorn.conf.py`
# (TRYTOND_CONFIG points to the site's trytond.conf).
import multiprocessing
import os

wsgi_app = 'trytond.application:app'
bind = os.environ.get('MONS_BIND', '127.0.0.1:8000')
workers = int(os.environ.get('MONS_WORKERS', multiprocessing.cpu_count() * 2))
threads = 1
timeout = 120
max_requests = 2000
max_requests_jitter = 200
accesslog = '-'
