from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from boards.models import Meeting
from reports.packs import render_pack_pdf


class Command(BaseCommand):
    help = "Render a meeting's board pack (draft) to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", type=int, required=True, help="The meeting's id.")
        parser.add_argument("--output", required=True, help="Where to write the PDF.")

    def handle(self, *args, **options):
        meeting = Meeting.objects.select_related("board", "plan", "round").filter(pk=options["meeting"]).first()
        if meeting is None:
            raise CommandError(f"There is no meeting with id {options['meeting']}.")
        output = Path(options["output"])
        if not output.parent.exists():
            raise CommandError(f"The folder {output.parent} does not exist.")
        pdf, pages = render_pack_pdf(meeting, status_label="Draft: not issued", version_label="Draft")
        output.write_bytes(pdf)
        self.stdout.write(f"Wrote {output} ({pages} pages, {len(pdf):,} bytes)")
