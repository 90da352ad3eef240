"""Bring the Welsh catalogue (locale/cy/LC_MESSAGES/django.po) up to date with the code, then
compile it: ``manage.py update_catalogue`` (``make messages``). New strings arrive untranslated;
translate them in the .po (docs/welsh-glossary.md has the terms), run this again, and commit both
the .po and the compiled .mo. tests/test_translations.py fails while any string is untranslated or
the .mo is stale."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

# What makemessages reads: the apps and templates, not the tests, tools or installed packages.
# No source locations in the .po, so that moving code does not change the catalogue.
MAKEMESSAGES_OPTIONS = {
    "locale": ["cy"],
    "domain": "django",
    "ignore_patterns": [".venv/*", "node_modules/*", "static/*", "tests/*", "benchmarks/*", "scripts/*",
                        "docs/*", "fixtures/*", "media/*", "*/node_modules/*"],
    "no_location": True,
    "no_obsolete": True,
    "verbosity": 0,
}


class Command(BaseCommand):
    help = "Updates the Welsh catalogue from the code and templates, then compiles it."

    def handle(self, *args, **options):
        call_command("makemessages", **MAKEMESSAGES_OPTIONS)
        call_command("compilemessages", locale=["cy"], verbosity=0, ignore_patterns=[".venv/*", "node_modules/*"])
        self.stdout.write(_("The Welsh catalogue is up to date and compiled: locale/cy/LC_MESSAGES/django.po"))
