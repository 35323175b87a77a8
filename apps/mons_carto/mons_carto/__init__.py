# This file is part of the Mons Digital Suite. See the README at the top
# of the repository for the licence and the authors.
from . import routes  # noqa: F401 — registers the OGC API and map routes
from . import viewer  # noqa: F401 — registers the portal map page
