"""The Django project: settings, the root URLconf, WSGI, logging and request ids, session
middleware, health and backups. Not an app (no models, not in INSTALLED_APPS): it wires
``improvement``, ``boards`` and ``reports`` together, and nothing imports it but manage.py, the
WSGI server and the tests (docs/decisions/0010-config-package.md)."""
