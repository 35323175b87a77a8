from . import application_statistic  # noqa: F401 — the dashboard's count
from . import routes  # noqa: F401 — registers the portal pages
