from . import routes  # noqa: F401 — registers the staff self-service page
