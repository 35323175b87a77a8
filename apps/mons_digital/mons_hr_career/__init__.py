from . import routes  # noqa: F401 — registers the job pages of the portal
