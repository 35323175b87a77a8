"""Logging of the server `mons start` runs.

Without a configuration trytond logs errors only; a site's administrator
needs one line per request (the ``mons.request`` logger of mons_base:
method, path, status, duration, request id, user) next to the warnings and
errors, on the console and in ``logs/server.log`` of the site
(WatchedFileHandler: logrotate may move the file). A site gives its own
file with ``[site] logging = PATH`` or ``TRYTOND_LOGGING_CONFIG``.
"""
import os
import pathlib

TEMPLATE = """\
# Written by `mons start` at each start: give your own file with
# [site] logging = PATH in trytond.conf instead of editing this one
[formatters]
keys = line

[formatter_line]
format = %(asctime)s %(process)d %(levelname)s %(name)s: %(message)s

[handlers]
keys = console, file

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = line

[handler_file]
class = logging.handlers.WatchedFileHandler
args = ({log_file!r}, 'a', 'utf-8')
formatter = line

[loggers]
keys = root, request, werkzeug

[logger_root]
level = WARNING
handlers = console, file

[logger_request]
qualname = mons.request
level = INFO
handlers =
propagate = 1

# Its access lines would repeat mons.request's, without the request id
[logger_werkzeug]
qualname = werkzeug
level = WARNING
handlers =
propagate = 1
"""


def server_logging(site):
    "Path of the logging configuration of the site's server"
    own = (site.parser.get('site', 'logging', fallback='')
        or os.environ.get('TRYTOND_LOGGING_CONFIG', ''))
    if own:
        return pathlib.Path(own)
    logs = site.folder / 'logs'
    logs.mkdir(exist_ok=True)
    state = site.folder / '.state'
    state.mkdir(exist_ok=True)
    path = state / 'logging.conf'
    path.write_text(TEMPLATE.format(log_file=str(logs / 'server.log')))
    return path
