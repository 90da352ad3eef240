from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from boards.models import Meeting
from reports.packs import render_pack_pdf


class Command(BaseCommand):
    help = "Render a meeting's board pack (draft) to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", type=int, required=True, help="The meeting's id.")
        parser.add_argument("--output", required=True, help="Where to write the PDF.")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE, help="The language to write the pack in.")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            meeting = Meeting.objects.select_related("board", "plan", "round").filter(pk=options["meeting"]).first()
            if meeting is None:
                raise CommandError(_("There is no meeting with id %(id)s.") % {"id": options["meeting"]})
            output = Path(options["output"])
            if not output.parent.exists():
                raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": output.parent})
            pdf, pages = render_pack_pdf(meeting, status_label=_("Draft: not issued"), version_label=_("Draft"))
            output.write_bytes(pdf)
            self.stdout.write(_("Wrote %(file)s (%(pages)s pages, %(bytes)s bytes)")
                              % {"file": output, "pages": pages, "bytes": f"{len(pdf):,}"})
