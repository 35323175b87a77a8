# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
from . import routes  # noqa: F401 — registers the portal and OpenAPI routes
from . import desk  # noqa: F401,E402 — serves the desk's custom.js/custom.css
from . import email_message  # noqa: F401,E402 — plain-text parts keep links whole
