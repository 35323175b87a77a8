# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
"""The chrome of the desk (sao): the suite's name as brand, the site's
database preset on the login, the user's name without a currency.

sao loads ``custom.js`` and ``custom.css`` from its root after itself;
the web root (the installed sao package) has none, so the request falls
through trytond's static files to the routes below, which serve them
for this site: nothing is written into the sao package."""
import json
import logging
import os

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from trytond.config import config
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction
from trytond.wsgi import app

from .municipality import identity

logger = logging.getLogger(__name__)

# A site names its desk with `[site] title`; without it the desk takes the
# municipality's name from the database, never another city's brand
DEFAULT_TITLE = "Suite numérique"

# sao's own words it never translates, by language of the desk
UNTRANSLATED = {
    'Concurrency Exception': {
        'fr': "Quelqu'un d'autre a modifié cet enregistrement entre-temps. "
        "Rechargez-le puis recommencez.",
        'nl': "Iemand anders heeft dit record intussen gewijzigd. "
        "Laad het opnieuw en probeer het nog eens.",
        },
    }

CUSTOM_JS = """\
/* The desk chrome of the suite (mons_base/desk.py). */
(function() {
    'use strict';
    var site = %(site)s;
    Sao.config.title = site.title;
    document.title = site.title;
    var hash_database = function() {
        return window.location.hash.replace(/^#!?/, '').split('/', 1)[0];
    };
    // One database: the login goes to it without asking
    if (site.database && !hash_database()) {
        window.history.replaceState(
            null, '', window.location.pathname + window.location.search +
            '#' + site.database);
    }
    var login_dialog = Sao.Session.login_dialog;
    Sao.Session.login_dialog = function() {
        var dialog = login_dialog.apply(this, arguments);
        if (hash_database()) {
            dialog.database_input.closest('.form-group').addClass(
                'mons-preset').hide();
        }
        return dialog;
    };
    jQuery(function() {
        jQuery('#title').text(site.title);
    });

    // Messages sao shows without passing them through its translations
    // (rpc.js: a ConcurrencyException on anything but a one-record save)
    var untranslated = site.untranslated;
    var message = Sao.common.message;
    var message_run = message.run;
    message.run = function(text, icon) {
        var texts = untranslated[text];
        if (texts) {
            var lang = (Sao.i18n.getlang() || '').split(/[_-]/)[0];
            text = texts[lang] || text;
        }
        return message_run.call(this, text, icon);
    };

    // sao 8.0 computes the domain of a board's list but does not give it
    // to the list (the Tryton desktop client does): a home list would show
    // every record it may read. The board action computes its domain just
    // before creating its screen; hand it over there.
    var board_action = null;
    var Action = Sao.View.Board.Action;
    var update_domain = Action.prototype.update_domain;
    Action.prototype.update_domain = function() {
        if (!this.screen) {
            board_action = this;
        }
        return update_domain.apply(this, arguments);
    };
    var screen_init = Sao.Screen.prototype.init;
    Sao.Screen.prototype.init = function(model_name, attributes) {
        if (board_action && attributes && !attributes.domain &&
                board_action.action &&
                (board_action.action.res_model == model_name)) {
            attributes.domain = board_action.domain;
        }
        board_action = null;
        return screen_init.apply(this, arguments);
    };

    // sao writes the current tab's address in the URL and reacts to the
    // change as if the user had typed it; when a list filters and a row
    // opens quickly after, the first change fires once the tab's address
    // has moved on, matches no tab, and sao opens the list again in a new
    // tab. Only a change the user makes (back, forward, a pasted link)
    // needs handling: skip the one sao made itself.
    var own_hash = null;
    var set_url = Sao.set_url;
    Sao.set_url = function() {
        var result = set_url.apply(this, arguments);
        own_hash = window.location.hash;
        return result;
    };
    var onhashchange = window.onhashchange;
    window.onhashchange = function() {
        if (own_hash !== null && window.location.hash === own_hash) {
            return;
        }
        return onhashchange.apply(this, arguments);
    };
}());
"""

CUSTOM_CSS = """\
/* The desk chrome of the suite (mons_base/desk.py). */
.login-dialog .form-group.mons-preset { display: none; }
/* Contrast of at least 4.5:1 (WCAG AA) where sao's theme falls short: the
   header's pale text, links on the coloured rows of lists (visual
   danger, warning...), the grey tabs and muted text. */
.navbar-inverse .navbar-brand, .navbar-inverse .navbar-brand:hover,
.navbar-inverse .navbar-nav > li > a, .navbar-inverse .navbar-text,
.navbar-inverse .navbar-brand .title-long { color: #ffffff; }
.danger a, .warning a, .info a, .success a, .danger .btn-link,
.warning .btn-link { color: #1d5f61; }
.badge { background-color: #595959; }
.nav-tabs > li > a, .nav-tabs > li.disabled > a { color: #595959 !important; }
.text-muted, .help-block { color: #595959; }
"""


def site_title():
    return (config.get('site', 'title', default=None)
        or _municipality_name() or DEFAULT_TITLE)


def _municipality_name():
    """The name of the one database's local authority ("Commune de X";
    None when unknown)"""
    database = site_database()
    if not database:
        return None
    try:
        pool = Pool(database)
        if database not in Pool.database_list():
            with Transaction().start(database, 0, readonly=True):
                pool.init()
        with Transaction().start(database, 0, readonly=True):
            values = identity()
            return values['authority'] or values['name'] or None
    except Exception:
        # the login page must come even when the database does not answer
        logger.warning("desk title: no municipality name", exc_info=True)
        return None


def site_database():
    "The database of a one-database site, else None"
    if name := config.get('site', 'database', default=None):
        return name
    names = [n for n in os.environ.get(
            'TRYTOND_DATABASE_NAMES', '').split(',') if n]
    return names[0] if len(names) == 1 else None


@app.route('/custom.js', methods=['GET', 'HEAD'])
def custom_js(request):
    site = {'title': site_title(), 'database': site_database(),
        'untranslated': UNTRANSLATED}
    body = CUSTOM_JS % {'site': json.dumps(site)}
    return Response(body, mimetype='text/javascript',
        headers={'Cache-Control': 'no-cache'})


@app.route('/custom.css', methods=['GET', 'HEAD'])
def custom_css(request):
    return Response(CUSTOM_CSS, mimetype='text/css',
        headers={'Cache-Control': 'no-cache'})


@app.route('/locale/<lang>.json', methods=['GET', 'HEAD'])
def sao_locale(request, lang):
    """sao asks the browser's regional language first (fr_BE) and falls
    back to the language (fr) after an error; answer the regional one with
    the language so that the first request succeeds"""
    root = config.get('web', 'root', default=None)
    base = lang.split('_')[0]
    if root and base != lang and base.isalpha():
        path = os.path.join(root, 'locale', f'{base}.json')
        if os.path.isfile(path):
            with open(path, 'rb') as file:
                return Response(file.read(), mimetype='application/json')
    raise NotFound()


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    def get_status_bar(self, name):
        # company adds " [EUR]": one currency for everybody says nothing
        status = super().get_status_bar(name)
        if self.company and self.company.currency:
            suffix = ' [%s]' % self.company.currency.code
            if status.endswith(suffix):
                status = status[:-len(suffix)]
        return status
