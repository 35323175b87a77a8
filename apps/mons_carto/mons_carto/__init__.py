# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
from . import routes_ogc, routes_download, routes_map  # noqa: F401 — routes
from . import viewer  # noqa: F401 — registers the portal map page
