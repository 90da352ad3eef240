from django.dispatch import Signal

# Sent by `manage.py demo` once the demo plans and accounts exist, with ``users`` (a dict of the
# demo accounts by username) and ``plans`` (by slug), so other apps can add their demo data.
demo_loaded = Signal()
