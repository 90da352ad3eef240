"""Publication: a plan's plain-English public progress page, written by its managers and approved
by someone else (docs/publication.md).

- ``PublicationSettings``: one per plan: whether it is published now (switched off at once), its
  stable public address (``public_slug``, fixed when first made), the public status vocabulary,
  and which measures are public.
- ``PublicSummary``: the draft public text of the plan's introduction (its title, purpose and the
  inspection it answers), of a theme (its name and a summary) or of a recommendation, in English
  and Welsh, with a public status; who wrote and last edited it, and where it stands (draft,
  awaiting approval, approved). Drafts are never shown to the public.
- ``Publication``: the snapshot the public page shows, made at each approval: the approved text of
  every approved summary frozen as JSON, the public measures' latest values and targets as at
  approval, and each summary's fingerprint of the internal statuses it covers (for drift). A
  snapshot is never changed; the next approval makes the next version.

The rule "never approve a summary you wrote or last edited" is ``PublicSummary.approve``'s.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from improvement.models import Action, Measure, MeasureValue, Plan, Recommendation, Source, Theme


class Vocabulary(models.TextChoices):
    SCHEME = "scheme", _("The plan’s RAG scheme")
    SIMPLE = "simple", _("Simple: not yet started, in progress, done")


class SimpleStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not yet started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class PublicationSettings(models.Model):
    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publication_settings")
    public_slug = models.SlugField(
        _("public address"), max_length=80, unique=True,
        help_text=_("The end of the public page’s address. It does not change when the plan is renamed."))
    is_published = models.BooleanField(_("published"), default=False)
    vocabulary = models.CharField(_("public status"), max_length=10, choices=Vocabulary.choices,
                                  default=Vocabulary.SIMPLE)
    public_measures = models.ManyToManyField(Measure, blank=True, related_name="+",
                                             verbose_name=_("public measures"))
    switched_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[public_measures])

    class Meta:
        verbose_name = _("publication settings")
        verbose_name_plural = _("publication settings")

    def __str__(self):
        return f"Publication of {self.plan}"

    @classmethod
    def of(cls, plan) -> "PublicationSettings":
        """The plan's settings, made (unpublished) the first time they are asked for."""
        found = cls.objects.filter(plan=plan).first()
        if found is not None:
            return found
        slug, n = plan.slug, 1
        while cls.objects.filter(public_slug=slug).exists():
            n += 1
            slug = f"{plan.slug[:70]}-{n}"
        found, _created = cls.objects.get_or_create(plan=plan, defaults={"public_slug": slug})
        return found

    def status_choices(self) -> list[tuple[str, str]]:
        if self.vocabulary == Vocabulary.SCHEME:
            return [(status.code, status.label) for status in self.plan.rag_scheme.statuses.order_by("position")]
        return list(SimpleStatus.choices)

    def latest(self) -> "Publication | None":
        return self.plan.publications.order_by("-version").first()


class PublicSummary(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", _("Introduction")
        THEME = "theme", _("Theme")
        RECOMMENDATION = "recommendation", _("Recommendation")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="public_summaries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    recommendation = models.ForeignKey(Recommendation, null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="+")
    title_en = models.CharField(_("name in English"), max_length=300, blank=True)
    title_cy = models.CharField(_("name in Welsh"), max_length=300, blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    summary_cy = models.TextField(_("summary in Welsh"), blank=True)
    # The introduction only: the inspection the plan answers, in words the public reads.
    inspection_en = models.TextField(_("the inspection it answers, in English"), blank=True)
    inspection_cy = models.TextField(_("the inspection it answers, in Welsh"), blank=True)
    status = models.CharField(_("public status"), max_length=20, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    edited_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public summary")
        verbose_name_plural = _("public summaries")
        constraints = [
            models.UniqueConstraint(fields=["plan"], condition=Q(kind="plan"), name="public_intro_once_per_plan"),
            models.UniqueConstraint(fields=["theme"], name="public_summary_once_per_theme"),
            models.UniqueConstraint(fields=["recommendation"], name="public_summary_once_per_recommendation"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject_label}"

    @property
    def subject_label(self) -> str:
        if self.kind == self.Kind.THEME:
            return str(self.theme)
        if self.kind == self.Kind.RECOMMENDATION:
            return str(self.recommendation)
        return str(self.plan)

    @property
    def key(self) -> str:
        """The summary's place in a snapshot: "plan", "theme-12", "recommendation-3"."""
        if self.kind == self.Kind.THEME:
            return f"theme-{self.theme_id}"
        if self.kind == self.Kind.RECOMMENDATION:
            return f"recommendation-{self.recommendation_id}"
        return "plan"

    def record_edit(self, *, by, submit: bool) -> None:
        """Save the draft as edited by ``by``; sent for approval when ``submit``. An approved
        summary edited again is a draft again (the snapshot keeps what was approved)."""
        now = timezone.now()
        if self.written_by_id is None:
            self.written_by = by
        self.edited_by, self.edited_at = by, now
        self.state = self.State.SUBMITTED if submit else self.State.DRAFT
        self.returned_note = "" if submit else self.returned_note
        self._history_user = by
        self.save()

    def approval_blocker(self, user) -> str:
        """Why ``user`` may not approve this summary now; empty if they may."""
        if self.state != self.State.SUBMITTED:
            return gettext("Only a summary sent for approval can be approved.")
        if user.pk in {self.written_by_id, self.edited_by_id}:
            return gettext("You wrote or last edited this summary: someone else must approve it.")
        return ""

    @transaction.atomic
    def approve(self, *, by) -> "Publication":
        """Approve the summary and publish a new snapshot with it. Refused (ValidationError) for
        the person who wrote or last edited it."""
        locked = PublicSummary.objects.select_for_update().get(pk=self.pk)
        if blocker := locked.approval_blocker(by):
            raise ValidationError(blocker)
        self.state, self.approved_by, self.approved_at = self.State.APPROVED, by, timezone.now()
        self._history_user = by
        self.save(update_fields=["state", "approved_by", "approved_at"])
        return Publication.publish(self, by=by)

    @transaction.atomic
    def send_back(self, *, by, note: str) -> None:
        """Return the summary to its writer as a draft, saying why."""
        if self.state != self.State.SUBMITTED:
            raise ValidationError(gettext("Only a summary sent for approval can be returned."))
        self.state, self.returned_note = self.State.DRAFT, note
        self._history_user = by
        self.save(update_fields=["state", "returned_note"])

    def covered_actions(self):
        """The actions whose internal statuses the summary speaks for (what drift compares)."""
        if self.kind == self.Kind.THEME:
            return Action.objects.filter(theme_id=self.theme_id)
        if self.kind == self.Kind.RECOMMENDATION:
            return Action.objects.filter(recommendations=self.recommendation_id)
        return Action.objects.filter(plan_id=self.plan_id)

    def fingerprint(self) -> dict[str, str]:
        return fingerprint_of(self.covered_actions())


def fingerprint_of(actions) -> dict[str, str]:
    """Each action's current internal status code, by action id ("" for no update yet)."""
    return {str(pk): code or "" for pk, code in actions.order_by("pk").values_list("pk", "current_status__code")}


class Publication(models.Model):
    """One approved snapshot of a plan's public page. Never changed once made."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="publications")
    version = models.PositiveIntegerField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(default=timezone.now)
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["plan", "-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="publication_version_unique")]

    def __str__(self):
        return f"{self.plan} publication {self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A publication is a snapshot: it cannot be changed.")
        super().save(*args, **kwargs)

    @classmethod
    @transaction.atomic
    def publish(cls, summary, *, by) -> "Publication":
        """The next snapshot: the previous one's approved entries with ``summary``'s replaced, and
        the public measures as they read now."""
        plan = Plan.objects.select_for_update().get(pk=summary.plan_id)
        settings_ = PublicationSettings.of(plan)
        previous = plan.publications.order_by("-version").first()
        content = dict(previous.content) if previous else {}
        entries = {entry["key"]: entry for entry in content.get("entries", [])}
        entries[summary.key] = entry_of(summary, settings_)
        ordered = _ordered(plan, entries)
        content = {
            "plan_id": plan.pk,
            "organisation": plan.organisation.name,
            "entries": ordered,
            "measures": measures_of(settings_),
            "vocabulary": settings_.vocabulary,
        }
        return cls.objects.create(plan=plan, version=(previous.version + 1) if previous else 1, approved_by=by,
                                  approved_at=timezone.now(), content=content)

    @property
    def intro(self) -> dict | None:
        return next((entry for entry in self.content.get("entries", []) if entry["kind"] == "plan"), None)

    def entries_of(self, kind) -> list[dict]:
        return [entry for entry in self.content.get("entries", []) if entry["kind"] == kind]


def status_label(vocabulary, code, plan) -> str:
    if not code:
        return ""
    if vocabulary == Vocabulary.SCHEME:
        found = plan.rag_scheme.statuses.filter(code=code).values_list("label", flat=True).first()
        return found or code
    return str(SimpleStatus(code).label) if code in SimpleStatus.values else code


def entry_of(summary, settings_) -> dict:
    """What the public sees of one approved summary, frozen: only its public fields."""
    return {
        "key": summary.key,
        "kind": summary.kind,
        "title_en": summary.title_en, "title_cy": summary.title_cy,
        "summary_en": summary.summary_en, "summary_cy": summary.summary_cy,
        "inspection_en": summary.inspection_en if summary.kind == PublicSummary.Kind.PLAN else "",
        "inspection_cy": summary.inspection_cy if summary.kind == PublicSummary.Kind.PLAN else "",
        "status": summary.status,
        "status_vocabulary": settings_.vocabulary,
        # The scheme's label as written (not translated); a simple status is translated when shown.
        "status_label": status_label(settings_.vocabulary, summary.status, summary.plan)
        if settings_.vocabulary == Vocabulary.SCHEME else "",
        "approved_at": timezone.now().isoformat(),
        "fingerprint": summary.fingerprint(),
    }


def _ordered(plan, entries: dict) -> list[dict]:
    """The introduction, then themes in the plan's order, then recommendations in theirs."""
    theme_ids = plan.themes.order_by("position", "pk").values_list("pk", flat=True)
    themes = {f"theme-{pk}": n for n, pk in enumerate(theme_ids)}
    recs = {f"recommendation-{pk}": n for n, pk in enumerate(
        Recommendation.objects.filter(source__plan=plan).order_by("source__key", "reference_sort")
        .values_list("pk", flat=True))}

    def order(entry):
        if entry["kind"] == "plan":
            return (0, 0)
        if entry["kind"] == "theme":
            return (1, themes.get(entry["key"], 10**6))
        return (2, recs.get(entry["key"], 10**6))

    # An entry whose theme or recommendation has since been deleted is dropped.
    alive = {"plan"} | set(themes) | set(recs)
    return sorted((entry for key, entry in entries.items() if key in alive), key=order)


def measures_of(settings_) -> list[dict]:
    """The public measures with their latest value and its target, as at now."""
    found = []
    for measure in settings_.public_measures.prefetch_related("targets").order_by("position", "name"):
        latest = (MeasureValue.objects.reporting().filter(measure=measure).order_by("-period", "-pk").first())
        target = measure.target_for(latest.period) if latest else None
        found.append({
            "name": measure.name,
            "value": measure.format(latest.value) if latest else "",
            "period": latest.period.isoformat() if latest else "",
            "target": measure.format(target) if target is not None else "",
        })
    return found


def inspection_text(plan) -> str:
    """A starting text for the introduction's "inspection it answers": the plan's inspections."""
    sources = Source.objects.filter(plan=plan, kind=Source.Kind.OFSTED_INSPECTION).order_by("published")
    parts = []
    for source in sources:
        when = f" ({source.published:%B %Y})" if isinstance(source.published, datetime.date) else ""
        parts.append(f"{source.title}{when}")
    return "; ".join(parts)
