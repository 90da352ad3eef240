"""Board packs: draft renders made in the background, and issued packs stored as the exact PDF
the board saw, with its checksum, never regenerated in place."""

import hashlib

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from boards.models import Meeting
from improvement.models import BackgroundJob


class PackRenderQuerySet(models.QuerySet):
    def in_progress(self):
        return self.filter(status__in=[BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING])

    def draft_in_progress(self, meeting, person) -> "PackRender | None":
        return self.in_progress().filter(meeting=meeting, requested_by=person,
                                         purpose=PackRender.Purpose.DRAFT).first()

    def request(self, meeting, *, purpose, by) -> tuple["PackRender", bool]:
        """(render, created). Each issue is a new render. A draft is one at a time for each person
        and meeting: while theirs is queued or running, asking again gives that one (a ready or
        failed draft does not count), so that readers cannot fill the queue ahead of issued
        packs. Two requests at once make one draft: the database's constraint decides."""
        if purpose != PackRender.Purpose.DRAFT or by is None:
            return self.create(meeting=meeting, purpose=purpose, requested_by=by), True
        for _attempt in range(3):
            existing = self.draft_in_progress(meeting, by)
            if existing is not None:
                return existing, False
            try:
                with transaction.atomic():
                    return self.create(meeting=meeting, purpose=purpose, requested_by=by), True
            except IntegrityError:
                continue  # another request made it first: show that one
        raise RuntimeError(f"Could not request a draft of {meeting} for {by}")


class PackRender(BackgroundJob):
    """One request to render a meeting's board pack, carried out by a background task."""

    class Purpose(models.TextChoices):
        DRAFT = "draft", "Draft preview"
        ISSUE = "issue", "Issue"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pack_renders")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True)
    issued_pack = models.OneToOneField("BoardPack", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="render")

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
    def issue(cls, *, meeting, pdf: bytes, pages: int, by) -> "BoardPack":
        """Store the PDF as the next version of the meeting's pack."""
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        latest = cls.objects.filter(meeting=meeting).aggregate(v=Max("version"))["v"] or 0
        return cls.objects.create(meeting=meeting, version=latest + 1, pdf=pdf, size=len(pdf), pages=pages,
                                  checksum=hashlib.sha256(pdf).hexdigest(), issued_by=by)

    def verify(self) -> bool:
        return hashlib.sha256(bytes(self.pdf)).hexdigest() == self.checksum
