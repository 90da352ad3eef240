"""Board packs: draft renders made in the background, and issued packs stored as the exact PDF
the board saw, with its checksum, never regenerated in place; the rendered parts of long packs,
stored to be reused by the next render; and evidence packs, frozen as the exact ZIP built."""

import datetime
import hashlib
import uuid

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from boards.models import Meeting
from improvement.models import BackgroundJob, evidence_storage

from . import signals


class PackRenderQuerySet(models.QuerySet):
    def in_progress(self):
        return self.filter(status__in=[BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING])

    def draft_in_progress(self, meeting, person) -> "PackRender | None":
        return self.in_progress().filter(meeting=meeting, requested_by=person,
                                         purpose=PackRender.Purpose.DRAFT).first()

    def request(self, meeting, *, purpose, by, language=None) -> tuple["PackRender", bool]:
        """(render, created), rendered in ``language`` (the active language when not given). Each
        issue is a new render. A draft is one at a time for each person
        and meeting: while theirs is queued or running, asking again gives that one (a ready or
        failed draft does not count, nor its language), so that readers cannot fill the queue ahead
        of issued packs. Two requests at once make one draft: the database's constraint decides."""
        language = pack_language(language)
        if purpose != PackRender.Purpose.DRAFT or by is None:
            return self.create(meeting=meeting, purpose=purpose, requested_by=by, language=language), True
        for _attempt in range(3):
            existing = self.draft_in_progress(meeting, by)
            if existing is not None:
                return existing, False
            try:
                with transaction.atomic():
                    return self.create(meeting=meeting, purpose=purpose, requested_by=by,
                                       language=language), True
            except IntegrityError:
                continue  # another request made it first: show that one
        raise RuntimeError(f"Could not request a draft of {meeting} for {by}")


def pack_language(language=None) -> str:
    """One of settings.LANGUAGES: ``language``, else the active language, else the site's."""
    languages = dict(settings.LANGUAGES)
    for candidate in (language, get_language()):
        if candidate and candidate.lower() in languages:
            return candidate.lower()
        if candidate and candidate.split("-")[0].lower() in languages:
            return candidate.split("-")[0].lower()
    return settings.LANGUAGE_CODE


def language_field():
    """The language a render, an issued pack or an evidence pack is written in."""
    return models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES,
                            default=settings.LANGUAGE_CODE, editable=False)


class PackRender(BackgroundJob):
    """One request to render a meeting's board pack, carried out by a background task."""

    class Purpose(models.TextChoices):
        DRAFT = "draft", _("Draft preview")
        ISSUE = "issue", pgettext_lazy("noun: the issuing of a board pack", "Issue")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pack_renders")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True)
    issued_pack = models.OneToOneField("BoardPack", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="render")
    language = language_field()  # the requester's when they asked: the pack is written in it

    objects = PackRenderQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            # The pack page lists a meeting's latest renders.
            models.Index(fields=["meeting", "-requested_at"], name="pack_render_meeting_idx"),
        ]
        constraints = [
            # PackRender.objects.request(): one draft in progress per person and meeting.
            models.UniqueConstraint(
                fields=["meeting", "requested_by"], name="one_draft_in_progress_per_person_and_meeting",
                condition=Q(purpose="draft", status__in=["queued", "running"])),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} of {self.meeting} ({self.status})"

    def get_absolute_url(self):
        return reverse("reports:render_detail", args=[self.pk])

    def retry(self) -> "PackRender":
        """Queue a failed render again, and return it; but a failed draft whose requester has since
        asked for another, still in progress, stays failed and that other one is returned."""
        try:
            with transaction.atomic():
                super().retry()
        except IntegrityError:
            return PackRender.objects.draft_in_progress(self.meeting, self.requested_by)
        return self


class BoardPackQuerySet(models.QuerySet):
    def latest_for(self, meeting):
        return self.filter(meeting=meeting).order_by("-version").first()


class BoardPack(models.Model):
    """An issued board pack: the exact PDF, with its checksum, issuer and time."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="packs")
    version = models.PositiveIntegerField()
    pdf = models.BinaryField(editable=False)
    checksum = models.CharField("SHA-256", max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    pages = models.PositiveIntegerField(editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    language = language_field()  # the language it was issued in

    objects = BoardPackQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="pack_version_unique_per_meeting")
        ]

    def __str__(self):
        return f"Board pack v{self.version} for {self.meeting}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("An issued board pack is never changed: issue a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("An issued board pack is never deleted.")

    def get_download_url(self):
        return reverse("reports:pack_download", args=[self.pk])

    @property
    def filename(self):
        return f"board-pack-{self.meeting.date:%Y-%m-%d}-v{self.version}.pdf"

    @classmethod
    @transaction.atomic
    def issue(cls, *, meeting, pdf: bytes, pages: int, by, language=None) -> "BoardPack":
        """Store the PDF, written in ``language``, as the next version of the meeting's pack."""
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        latest = cls.objects.filter(meeting=meeting).aggregate(v=Max("version"))["v"] or 0
        pack = cls.objects.create(meeting=meeting, version=latest + 1, pdf=pdf, size=len(pdf), pages=pages,
                                  checksum=hashlib.sha256(pdf).hexdigest(), issued_by=by,
                                  language=pack_language(language))
        signals.pack_issued.send(sender=cls, pack=pack)
        return pack

    def verify(self) -> bool:
        return hashlib.sha256(bytes(self.pdf)).hexdigest() == self.checksum


class StoredPackPartQuerySet(models.QuerySet):
    """The store that reports.pdfparts.render_in_parts takes parts from and keeps them in."""

    def unused(self, now=None):
        return self.filter(used_at__lt=(now or timezone.now()) - StoredPackPart.KEPT_FOR)

    def find(self, key: str):
        """The stored part under ``key`` (a reports.pdfparts.RenderedPart), noted as used; None
        when there is none, or when the stored one is damaged (it is then deleted, to be rendered
        and stored again)."""
        stored = self.filter(key=key).first()
        if stored is None:
            return None
        part = stored.as_rendered()
        if part is None:
            self.forget(key)
            return None
        self.filter(pk=stored.pk).update(used_at=timezone.now(), times_used=F("times_used") + 1)
        return part

    def keep(self, key: str, part) -> None:
        """Store a rendered part (if another render stored the same key meanwhile, that one stays:
        the same key gives the same bytes)."""
        self.bulk_create([StoredPackPart(
            key=key, pdf=part.pdf, checksum=hashlib.sha256(part.pdf).hexdigest(), pages=part.pages,
            bookmarks=[list(bookmark) for bookmark in part.bookmarks],
            anchors={name: list(place) for name, place in part.anchors.items()},
            carried_from=part.carried_from)], ignore_conflicts=True)

    def forget(self, key: str) -> None:
        self.filter(key=key).delete()


class StoredPackPart(models.Model):
    """A rendered part of a long board pack's PDF (reports/pdfparts.py), stored under a key of
    everything that decides its bytes, so that the next render of the pack reuses it when it has
    not changed instead of laying it out again. Not a record: any entry may be deleted at any time
    (the part is then rendered again), and entries unused for ``KEPT_FOR`` are deleted when the
    next pack is rendered. See docs/decisions/0011-stored-pack-parts.md."""

    KEPT_FOR = datetime.timedelta(days=14)

    key = models.CharField("SHA-256 of what decides the part", max_length=64, editable=False)
    pdf = models.BinaryField(editable=False)
    checksum = models.CharField("SHA-256 of the PDF", max_length=64, editable=False)
    pages = models.PositiveIntegerField(editable=False)
    bookmarks = models.JSONField(default=list, editable=False,
                                 help_text="[heading level, label, page index, x, y] for each heading.")
    anchors = models.JSONField(default=dict, editable=False, help_text="Each link target's [page index, x, y].")
    carried_from = models.CharField(
        max_length=100, blank=True, editable=False,
        help_text="For a part of the attention list or the plan: the id of the first row or theme heading on "
                  "its dropped last page, from which the next part begins; blank when nothing was carried over.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    used_at = models.DateTimeField(default=timezone.now, editable=False)
    times_used = models.PositiveIntegerField(default=0, editable=False)

    objects = StoredPackPartQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key"], name="stored_pack_part_key_unique"),
        ]
        indexes = [
            # StoredPackPart.objects.unused(): the entries to delete.
            models.Index(fields=["used_at"], name="stored_pack_part_used_idx"),
        ]

    def __str__(self):
        return f"Stored pack part {self.key[:12]} ({self.pages} pages)"

    def as_rendered(self):
        """The part as reports.pdfparts renders it, or None if what is stored is damaged."""
        from .pdfparts import RenderedPart

        pdf = bytes(self.pdf)
        if hashlib.sha256(pdf).hexdigest() != self.checksum:
            return None
        try:
            bookmarks = [(int(level), str(label), int(index), float(x), float(y))
                         for level, label, index, x, y in self.bookmarks]
            anchors = {str(name): (int(index), float(x), float(y)) for name, (index, x, y) in self.anchors.items()}
        except (TypeError, ValueError, AttributeError):
            return None
        pages = [index for _level, _label, index, _x, _y in bookmarks] + [place[0] for place in anchors.values()]
        if (self.pages == 0) != (not pdf) or any(not 0 <= index < self.pages for index in pages):
            return None
        return RenderedPart(pdf, self.pages, bookmarks, anchors, carried_from=self.carried_from)


def evidence_pack_path(instance, filename):
    """Stored beside the evidence (private, outside the web roots), under a generated name."""
    return f"evidence-packs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.zip"


class EvidencePackQuerySet(models.QuerySet):
    def issued(self):
        return self.filter(status=BackgroundJob.Status.READY)


class EvidencePack(BackgroundJob):
    """A plan's evidence pack as at a date: one request, built by a background task
    (reports/evidencepacks.py), then frozen as the exact ZIP that was built, with its SHA-256
    checksum and a version per plan and date. An issued pack is never rebuilt in place: asking
    again for the same date makes the next version, and the earlier ones stay."""

    class Contents(models.TextChoices):
        FULL = "full", _("The index and the evidence files")
        INDEX_ONLY = "index", _("The index alone (every item and its checksum, without the files)")

    plan = models.ForeignKey("improvement.Plan", on_delete=models.PROTECT, related_name="evidence_packs")
    as_at = models.DateField(help_text="What the plan held at the end of this day.")
    contents = models.CharField(max_length=10, choices=Contents.choices, default=Contents.FULL)
    with_self_evaluation = models.BooleanField(
        default=False, help_text="A draft self-evaluation per theme for the plan's managers to edit.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    language = language_field()  # the requester's when they asked: the index is written in it
    # Written once, by the task that builds the pack.
    version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    file = models.FileField(upload_to=evidence_pack_path, storage=evidence_storage, blank=True, editable=False)
    checksum = models.CharField("SHA-256 of the ZIP", max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    recommendations = models.PositiveIntegerField(null=True, blank=True, editable=False)
    evidence_files = models.PositiveIntegerField(null=True, blank=True, editable=False,
                                                 help_text="Evidence files listed (links not counted).")
    missing = models.JSONField(default=list, blank=True, editable=False,
                               help_text="The evidence files listed as missing from storage.")

    objects = EvidencePackQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "as_at", "version"],
                                    name="evidence_pack_version_unique_per_plan_and_date"),
        ]
        indexes = [
            # The evidence packs page lists a plan's packs, latest first.
            models.Index(fields=["plan", "-requested_at"], name="evidence_pack_plan_idx"),
        ]

    def __str__(self):
        version = f" v{self.version}" if self.version else ""
        return f"Evidence pack{version} of {self.plan} as at {self.as_at:%-d %B %Y} ({self.status})"

    def get_absolute_url(self):
        return reverse("reports:evidence_pack_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.pk is not None and EvidencePack.objects.filter(pk=self.pk, status=self.Status.READY).exists():
            raise ValueError("An issued evidence pack is never changed: build a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == self.Status.READY:
            raise ValueError("An issued evidence pack is never deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_index_only(self) -> bool:
        return self.contents == self.Contents.INDEX_ONLY

    @property
    def filename(self) -> str:
        return f"evidence-pack-{self.plan.slug}-{self.as_at:%Y-%m-%d}-v{self.version}.zip"

    def next_version(self) -> int:
        latest = EvidencePack.objects.filter(plan_id=self.plan_id, as_at=self.as_at).aggregate(v=Max("version"))["v"]
        return (latest or 0) + 1

    def verify(self) -> bool:
        """The stored ZIP is still the one issued: its SHA-256 matches the checksum recorded."""
        if not self.file:
            return False
        digest = hashlib.sha256()
        with self.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
        return digest.hexdigest() == self.checksum
