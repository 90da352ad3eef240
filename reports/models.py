"""Board packs: draft renders made in the background, and issued packs stored as the exact PDF
the board saw, with its checksum, never regenerated in place."""

import hashlib

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from boards.models import Meeting
from improvement.models import BackgroundJob


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

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            # The pack page lists a meeting's latest renders.
            models.Index(fields=["meeting", "-requested_at"], name="pack_render_meeting_idx"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} of {self.meeting} ({self.status})"

    def get_absolute_url(self):
        return reverse("reports:render_detail", args=[self.pk])


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
