"""The plan register: plans, sources and recommendations, themes, objectives, actions, RAG
schemes, and the append-only RAG history of updates.

Changes to plan structure and reference data are recorded by django-simple-history
(``history = HistoricalRecords()``): who, when, and every version, so old and new values can be
compared. It was chosen over a model of our own because it also gives the admin's history
pages and handles many-to-many fields (an action's leads and recommendations). The RAG history
is not audited this way: it is itself an append-only log.

Business rules live here, as model and QuerySet methods, so that pages, exports, packs and
tests share one definition: current status (``Action.current_status``, written only by
``Action.record_update``), movement between periods (``Movement``), overdue as of a date
(``ActionQuerySet.overdue``) and missing update for a period
(``ActionQuerySet.missing_update``).
"""

import datetime
import functools
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import measures
from .lib.dates import add_months  # noqa: F401 - the project imports it from here too
from .lib.text import normalise_text
from .signals import normalise_text_fields, updates_recorded


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def period_label(period: datetime.date | None) -> str:
    """A reporting period as pages write it, "December 2012", in the active language."""
    return _month_label(period, get_language()) if period else gettext("No period")


@functools.lru_cache(maxsize=4096)
def _month_label(period: datetime.date, language: str | None) -> str:
    # Written once per month and language: a scorecard labels hundreds of values, and each
    # date_format() looks up the language's formats and month names anew.
    return date_format(period, "F Y")


def parse_period(text: str) -> datetime.date:
    """Read a reporting period written as YYYY-MM; raise ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a period in the form YYYY-MM")
    return datetime.date(int(match[1]), int(match[2]), 1)


class Organisation(models.Model):
    """A council or a partner agency. Plans belong to one; people and posts to one."""

    class Kind(models.TextChoices):
        COUNCIL = "council", _("Council")
        NHS = "nhs", _("NHS body")
        POLICE = "police", _("Police")
        EDUCATION = "education", _("School or education body")
        SAFEGUARDING_BOARD = "safeguarding_board", _("Safeguarding children board")
        VOLUNTARY = "voluntary", _("Voluntary sector")
        GOVERNMENT = "government", _("Government department")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.COUNCIL)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def active_people(self):
        """The people of this organisation who can still sign in, as pages offer them."""
        return self.people.filter(is_active=True).order_by("first_name", "last_name", "username")


class User(AbstractUser):
    """A person who signs in: council or partner staff, board members, scrutiny officers."""

    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    # The interface language they chose with the language switch (blank: the browser's, or English);
    # config.middleware.UserLanguageMiddleware applies it on every page, and emails follow it.
    language = models.CharField(_("language"), max_length=10, blank=True, choices=settings.LANGUAGES)

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def holds_a_post(self) -> bool:
        """Whether they hold any post, so that "My actions" can ever list anything for them."""
        return self.pk is not None and self.posts.exists()


class PostQuerySet(models.QuerySet):
    def with_lead_counts(self, plan):
        """Annotate ``plan_action_count`` (the plan's actions each post leads) and
        ``leads_anything`` (whether it leads any action or theme of any plan)."""
        links = Action.lead_posts.through.objects.filter(post=OuterRef("pk"))
        return self.annotate(
            plan_action_count=Count("actions", filter=Q(actions__plan=plan), distinct=True),
            leads_anything=Exists(links) | Exists(Theme.objects.filter(lead=OuterRef("pk"))),
        )


class Post(models.Model):
    """A lead role ("WSCB Chair", "Head of Corporate Parenting (to be appointed)").

    Actions are led by posts, not by people: when staff change, the holders change and the
    actions follow. A post with no holders is vacant.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(max_length=200)
    holders = models.ManyToManyField(User, verbose_name=_("holders"), blank=True, related_name="posts")

    objects = PostQuerySet.as_manager()

    # Holders are recorded too: who held a lead post, and who changed it, is part of the audit.
    history = HistoricalRecords(m2m_fields=[holders])

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"], name="post_title_unique_in_organisation"
            )
        ]

    def __str__(self):
        return self.title

    def deletion_blockers(self) -> list[str]:
        """Why the post cannot be deleted: what it still leads (in any plan). Empty if it can."""
        reasons = []
        actions, themes, measures_owned = self.actions.count(), self.themes_led.count(), self.measures_owned.count()
        if actions:
            reasons.append(ngettext("%(count)s action", "%(count)s actions", actions) % {"count": actions})
        if themes:
            reasons.append(ngettext("%(count)s theme", "%(count)s themes", themes) % {"count": themes})
        if measures_owned:
            reasons.append(ngettext("%(count)s measure", "%(count)s measures", measures_owned)
                           % {"count": measures_owned})
        return reasons


class RagScheme(models.Model):
    """A plan's set of statuses. Three presets are created by a data migration."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RagStatus(models.Model):
    class Colour(models.TextChoices):
        GREY = "grey", _("Grey")
        BLUE = "blue", _("Blue")
        GREEN = "green", _("Green")
        AMBER = "amber", _("Amber")
        RED = "red", _("Red")
        YELLOW = "yellow", _("Yellow")
        PURPLE = "purple", _("Purple")

    scheme = models.ForeignKey(RagScheme, on_delete=models.CASCADE, related_name="statuses")
    code = models.CharField(max_length=10, help_text=_("Short code as written in plans, e.g. G."))
    label = models.CharField(max_length=50)
    colour = models.CharField(max_length=10, choices=Colour.choices)
    meaning = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(help_text=_("Order in keys, tables and charts."))
    severity = models.PositiveSmallIntegerField(
        help_text=_("Higher is worse. Movement between periods compares severities.")
    )
    is_complete = models.BooleanField(_("counts as complete"), default=False)
    is_not_started = models.BooleanField(_("not yet started"), default=False)
    needs_board_attention = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "position"]
        verbose_name_plural = "RAG statuses"
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="rag_code_unique_in_scheme"),
            models.UniqueConstraint(
                fields=["scheme", "position"], name="rag_position_unique_in_scheme"
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.code})"

    @property
    def css_class(self) -> str:
        return f"app-rag--{self.colour}"


class PlanQuerySet(models.QuerySet):
    def with_counts(self):
        return self.annotate(action_count=Count("actions", distinct=True))


class Plan(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plans")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    rag_scheme = models.ForeignKey(RagScheme, on_delete=models.PROTECT, related_name="plans")
    current_period = models.DateField(
        help_text=_("The reporting period leads are updating now (the first day of its month)."),
    )
    abbreviations = models.JSONField(
        default=list, blank=True, help_text=_('A list of {"abbreviation": …, "meaning": …}.')
    )
    # Its statutory clock (improvement/clocks.py): the regime it answers to, by the key of the
    # regime's files in improvement/regimes/, and the date its deadlines count from.
    regime = models.CharField(max_length=80, blank=True, help_text=_("The regime the plan answers to."))
    clock_trigger = models.DateField(
        null=True, blank=True, verbose_name=_("trigger date"),
        help_text=_("The date the regime's deadlines count from, such as the day the inspection report was received."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    version = models.PositiveIntegerField(default=1, editable=False, help_text=_("Raised by every save of an edit."))

    objects = PlanQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("improvement:plan_detail", args=[self.pk])

    def clean(self):
        if self.current_period:
            self.current_period = first_of_month(self.current_period)
        self.clean_clock()

    def clean_clock(self):
        """A regime needs a trigger date on which one of its versions is in force, not more than
        a year ahead (further is a mistyped year); a trigger date alone means nothing."""
        from . import clocks
        from .clock import today

        if not self.regime:
            if self.clock_trigger:
                raise ValidationError({"regime": gettext(
                    "Select the regime the trigger date belongs to, or remove the date")})
            return
        regime = clocks.regimes().get(self.regime)
        if regime is None:
            raise ValidationError({"regime": gettext("“%(regime)s” is not a regime this site knows")
                                   % {"regime": self.regime}})
        if self.clock_trigger is None:
            raise ValidationError({"clock_trigger": gettext("Enter the trigger date: %(trigger)s")
                                   % {"trigger": regime.versions[0].trigger}})
        latest = today() + datetime.timedelta(days=clocks.TRIGGER_MAX_DAYS_AHEAD)
        if self.clock_trigger > latest:
            raise ValidationError({"clock_trigger": gettext(
                "Trigger date must be no later than %(date)s, a year from today: check the year")
                % {"date": date_format(latest, "j F Y")}})
        if regime.version_on(self.clock_trigger) is None:
            raise ValidationError({"clock_trigger": gettext(
                "No version of “%(regime)s” is in force on %(date)s: its rules cover dates %(period)s")
                % {"regime": regime.title, "date": date_format(self.clock_trigger, "j F Y"),
                   "period": regime.period}})

    def clock(self):
        """The plan's statutory clock (``clocks.Clock``), or None when it has no regime."""
        from . import clocks

        return clocks.clock_for(self.regime, self.clock_trigger)

    @property
    def previous_period(self) -> datetime.date:
        return add_months(self.current_period, -1)

    def managers(self):
        """The plan's active managers: told when something about the plan reaches no one else."""
        return User.objects.filter(plan_roles__plan=self, plan_roles__role=PlanRole.Role.MANAGER,
                                   is_active=True).distinct().order_by("first_name", "last_name", "username")

    @property
    def current_period_label(self) -> str:
        return period_label(self.current_period)

    @transaction.atomic
    def start_period(self, period: datetime.date) -> None:
        """Make ``period`` the one leads are updating now, and carry every action's reported
        status into it (the period view's rows)."""
        period = first_of_month(period)
        Plan.objects.filter(pk=self.pk).update(current_period=period)
        self.current_period = period
        ReportedAction.objects.extend(self, through=period)

    def has_rag_history(self) -> bool:
        """Whether any action has an update: from then on the RAG scheme is fixed, because the
        history refers to its statuses."""
        return Update.objects.filter(action__plan=self).exists()


class PlanRole(models.Model):
    """A person's role on one plan. Action leads get theirs through the posts they hold;
    board roles come from the boards app."""

    class Role(models.TextChoices):
        MANAGER = "manager", _("Plan manager")
        SCRUTINY = "scrutiny", _("Scrutiny officer")
        VIEWER = "viewer", _("Viewer")
        # Reads the plan and records external findings, nothing else (boards.assurance_views).
        EXTERNAL_REVIEWER = "external_reviewer", _("External reviewer")
        # Approves the public summaries that others write (publication app); never their own.
        PUBLICATION_APPROVER = "publication_approver", _("Publication approver")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="plan_roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user", "role"], name="plan_role_unique_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.plan}"

    def removal_blocker(self) -> str:
        """Why the role cannot be removed: a plan always keeps a manager. Empty if it can."""
        if self.role == self.Role.MANAGER and not (
                PlanRole.objects.filter(plan_id=self.plan_id, role=self.Role.MANAGER).exclude(pk=self.pk).exists()):
            return gettext("%(user)s is the plan's only manager. Add another plan manager first.") % {
                "user": self.user}
        return ""

    @transaction.atomic
    def remove(self, *, by):
        """Delete the role unless it is the plan's last manager role. The plan's manager roles
        are locked first, so two managers removing each other at once cannot both succeed."""
        list(PlanRole.objects.select_for_update().filter(plan_id=self.plan_id, role=self.Role.MANAGER))
        if blocker := self.removal_blocker():
            raise ValidationError(blocker)
        self._history_user = by
        self.delete()


class ClockReminder(models.Model):
    """One email to one plan manager ahead of one date on the plan's statutory clock; what makes
    each go out once (``send_clock_reminders``). A failed attempt is kept and tried again."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="clock_reminders")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="clock_reminders")
    deadline = models.CharField(max_length=100, help_text=_("The rule's id, with the occurrence of a recurring rule."))
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices)
    error = models.TextField(blank=True)
    attempted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-attempted_at"]
        constraints = [
            # A changed trigger date moves the dates, and the new dates are reminded of afresh.
            models.UniqueConstraint(fields=["plan", "deadline", "due_date", "user"], condition=Q(status="sent"),
                                    name="clock_reminder_sent_once"),
        ]
        indexes = [
            # send_clock_reminders asks, per plan, which reminders were sent.
            models.Index(fields=["plan", "status"], name="clock_reminder_plan_idx"),
        ]

    def __str__(self):
        return f"{self.deadline} ({self.due_date}) to {self.user}: {self.status}"
def source_document_path(instance, filename):
    return f"sources/{evidence_path(instance, filename)}"


def source_storage():
    return storages["evidence"]


class Source(models.Model):
    """A document the plan answers to: an Ofsted report, an Improvement Notice, a review."""

    class Kind(models.TextChoices):
        OFSTED_INSPECTION = "ofsted_inspection", _("Ofsted inspection")
        IMPROVEMENT_NOTICE = "improvement_notice", _("DfE Improvement Notice")
        PEER_REVIEW = "peer_review", _("Peer review")
        INTERNAL_REVIEW = "internal_review", _("Internal review")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sources")
    key = models.CharField(max_length=40, help_text=_('How the plan cites it, e.g. "OIS 2012".'))
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    published = models.DateField(null=True, blank=True)
    # The document itself, stored privately like evidence, or where it is published.
    document = models.FileField(upload_to=source_document_path, storage=source_storage, blank=True)
    document_name = models.CharField(max_length=200, blank=True, help_text=_("The uploaded file's own name."))
    link = models.URLField(max_length=500, blank=True, help_text=_("Where the document is published."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="source_key_unique_in_plan")
        ]

    def __str__(self):
        return self.key

    def deletion_blockers(self) -> list[str]:
        """Why the source cannot be deleted (empty if it can): actions still answer it, or other
        apps' records (an external review's findings) come from it."""
        reasons = records_elsewhere(self)
        linked = Recommendation.objects.filter(source=self, actions__isnull=False).distinct().count()
        if linked:
            reasons.append(ngettext(
                "%(count)s of its recommendations is linked to actions. Unlink them from the actions first.",
                "%(count)s of its recommendations are linked to actions. Unlink them from the actions first.",
                linked) % {"count": linked})
        for recommendation in self.recommendations.all():
            reasons += [gettext("Recommendation %(key)s %(reference)s: %(reason)s") % {
                "key": self.key, "reference": recommendation.reference, "reason": f"{reason[0].lower()}{reason[1:]}"}
                        for reason in records_elsewhere(recommendation)]
        return reasons


class Recommendation(models.Model):
    """One numbered requirement in a source ("OIS 2012 1.2", "IN 3.1")."""

    class Urgency(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately")
        WITHIN_3_MONTHS = "within_3_months", _("Within 3 months")
        WITHIN_6_MONTHS = "within_6_months", _("Within 6 months")
        OTHER = "other", _("Other")

    URGENCY_MONTHS = {Urgency.IMMEDIATELY: 0, Urgency.WITHIN_3_MONTHS: 3, Urgency.WITHIN_6_MONTHS: 6}

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="recommendations")
    reference = models.CharField(_("reference"), max_length=40)
    # Sorts references as people read them ("1, 2, 10"; see number_sort_key), kept by save().
    reference_sort = models.CharField(max_length=100, editable=False, default="")
    text = models.TextField(blank=True)
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.OTHER)
    due_date = models.DateField(
        null=True, blank=True, help_text=_("Leave empty to derive it from the urgency.")
    )

    history = HistoricalRecords(excluded_fields=["reference_sort"])

    class Meta:
        ordering = ["source", "reference_sort"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference"], name="recommendation_reference_unique_in_source"
            )
        ]

    def __str__(self):
        return f"{self.source.key} {self.reference}"

    def save(self, *args, **kwargs):
        self.reference_sort = number_sort_key(self.reference)
        super().save(*args, **kwargs)

    def deletion_blockers(self) -> list[str]:
        """Why the recommendation cannot be deleted (empty if it can): actions answer it."""
        reasons = records_elsewhere(self)
        numbers = list(self.actions.order_by("number_sort").values_list("number", flat=True))
        if numbers:
            reasons.append(ngettext("Action %(numbers)s answers it. Unlink it from the actions first.",
                                    "Actions %(numbers)s answer it. Unlink it from the actions first.",
                                    len(numbers)) % {"numbers": ", ".join(numbers)})
        return reasons

    @property
    def due(self) -> datetime.date | None:
        """The due date as set, or derived from the source's publication date and urgency."""
        if self.due_date:
            return self.due_date
        months = self.URGENCY_MONTHS.get(self.urgency)
        if months is None or not self.source.published:
            return None
        return add_months(self.source.published, months)


class Theme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(_("code"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=300)
    lead = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="themes_led"
    )
    outcomes = models.TextField(blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    version = models.PositiveIntegerField(default=1, editable=False, help_text=_("Raised by every save of an edit."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position", "pk"]

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("improvement:theme_detail", args=[self.plan_id, self.pk])

    def deletion_blockers(self) -> list[str]:
        """Why the theme cannot be deleted (empty if it can): it still has actions."""
        count = self.actions.count()
        reasons = records_elsewhere(self)
        if count:
            reasons.append(ngettext("It has %(count)s action. Move them to another theme or delete them first.",
                                    "It has %(count)s actions. Move them to another theme or delete them first.",
                                    count) % {"count": count})
        return reasons


class Objective(models.Model):
    """An optional level between theme and action ("IP1.3 To ensure …")."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="objectives")
    code = models.CharField(_("code"), max_length=20, blank=True)
    title = models.TextField(_("title"))
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["theme", "position", "pk"]

    def __str__(self):
        return f"{self.code} {self.title}".strip()

    def deletion_blockers(self) -> list[str]:
        """Why the objective cannot be deleted (empty if it can): actions sit under it, and
        deleting it would silently move them up to the theme."""
        count = self.actions.count()
        if count:
            return [ngettext("It has %(count)s action. Move them to another objective first.",
                             "It has %(count)s actions. Move them to another objective first.",
                             count) % {"count": count}]
        return []


def pluralise(count: int) -> str:
    return "" if count == 1 else "s"


def records_elsewhere(obj) -> list[str]:
    """Reasons not to delete ``obj``: other apps' records refer to it (a board's challenges, a
    meeting's attention list, a scrutiny assessment), and deleting it would delete them or cut
    them loose. Found through the relations, so this module need not know those apps."""
    reasons = []
    for relation in obj._meta.get_fields(include_hidden=True):  # hidden: related_name="+" too
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue  # not a reverse relation
        model = relation.related_model
        if (model._meta.app_label == obj._meta.app_label or model._meta.auto_created
                or hasattr(model, "instance_type")):  # ours, a many-to-many table, or an audit-trail copy
            continue
        if model._default_manager.filter(**{relation.field.name: obj}).exists():
            reasons.append(gettext("It has %(records)s recorded against it.") % {
                "records": model._meta.verbose_name_plural})
    return reasons


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_BRACKETED_ROMAN = re.compile(r"\((?P<roman>[ivxlcdm]{2,}|[ivx])\)", re.IGNORECASE)


def _roman(text: str) -> int | None:
    """The value of a roman numeral written in the usual way ("xxxv" is 35), else None."""
    values = [_ROMAN[char] for char in text.lower()]
    total = sum(-value if later > value else value for value, later in zip(values, [*values[1:], 0], strict=True))
    return total if _as_roman(total) == text.lower() else None


def _as_roman(number: int) -> str:
    result = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            result, number = result + letters, number - value
    return result


def number_sort_key(number: str) -> str:
    """A key that sorts action numbers as people read them: 1.2 < 1.10 < 3.1 < PA2 < PA10, and
    roman numerals in brackets as the numbers they are: 2 (iv) < 2 (v) < 2 (ix) < 2 (x)."""
    number = _BRACKETED_ROMAN.sub(lambda match: f"({value})" if (value := _roman(match["roman"])) else match[0],
                                  number)
    return "".join(f"{int(part):08d}" if part.isdigit() else part.lower()
                   for part in re.split(r"(\d+)", number))[:100]


class ActionQuerySet(models.QuerySet):
    def for_lead(self, user):
        """Actions led by the posts the user holds. A subquery rather than a join, so no DISTINCT
        over whole rows (a join through the posts would repeat an action for each post held)."""
        posts = Post.holders.through.objects.filter(user=user).values("post_id")
        return self.filter(pk__in=Action.lead_posts.through.objects.filter(post_id__in=posts).values("action_id"))

    def open(self):
        return self.exclude(current_status__is_complete=True)

    def with_effective_due_date(self):
        return self.annotate(due_as_revised=Coalesce("revised_due_date", "due_date"))

    def overdue(self, as_of: datetime.date):
        """Due date (as revised) passed and status not complete."""
        return self.open().with_effective_due_date().filter(due_as_revised__lt=as_of)

    def with_update_in(self, period: datetime.date):
        updates = Update.objects.filter(action=OuterRef("pk"), period=period)
        return self.annotate(has_update_in_period=Exists(updates))

    def with_current_update(self):
        """Annotate whether each action has an update in its own plan's current period."""
        updates = Update.objects.filter(action=OuterRef("pk"), period=OuterRef("plan__current_period"))
        return self.annotate(has_update_in_period=Exists(updates))

    def missing_update(self, period: datetime.date):
        """Open actions with no update for the period."""
        return self.open().with_update_in(period).filter(has_update_in_period=False)

    def with_overdue(self, as_of: datetime.date):
        return self.with_effective_due_date().annotate(
            is_overdue=Q(due_as_revised__lt=as_of)
            & ~Q(current_status__is_complete=True)
            & Q(due_as_revised__isnull=False)
        )

    def for_table(self, period: datetime.date, as_of: datetime.date):
        """Everything a list of actions shows, in a fixed number of queries."""
        return (
            self.select_related("theme", "objective", "current_status")
            .prefetch_related("lead_posts", "recommendations__source")
            .with_update_in(period)
            .with_overdue(as_of)
        )

    def for_list(self, period: datetime.date, as_of: datetime.date):
        """What the theme page and the action table show of each action, in a fixed number of
        queries: ``for_table`` without the references, and with the leads as a plain list
        (``action.leads``), which costs far less per row than a related manager each."""
        return (
            self.select_related("theme", "current_status")
            .prefetch_related(models.Prefetch("lead_posts", to_attr="leads"))
            .with_update_in(period)
            .with_overdue(as_of)
        )

    def status_counts(self):
        """Rows of (theme id, status id, count) over the current statuses."""
        return (
            self.values("theme_id", "current_status_id")
            .annotate(count=Count("pk"))
            .order_by()
        )


class Action(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="actions")
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    number = models.CharField(_("number"), max_length=30, help_text=_('As the plan writes it, e.g. "3.14".'))
    number_sort = models.CharField(max_length=100, editable=False, db_index=True)
    description = models.TextField(_("description"))
    lead_posts = models.ManyToManyField(Post, blank=True, related_name="actions", verbose_name=_("leads"))
    lead_agency = models.CharField(_("lead agency"), max_length=200, blank=True)
    timescale = models.CharField(
        max_length=500, blank=True, help_text=_('As written, e.g. "WSCB to consider – 31 Jan 2013".')
    )
    due_date = models.DateField(null=True, blank=True)
    measures = models.TextField(_("measures of success"), blank=True)
    cost = models.CharField(_("cost"), max_length=200, blank=True)
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="actions")
    position = models.PositiveIntegerField(default=0)

    version = models.PositiveIntegerField(default=1, editable=False, help_text=_("Raised by every save of an edit."))

    # Denormalised from the RAG history for speed; written only by record_update().
    current_status = models.ForeignKey(
        RagStatus, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        editable=False,
    )
    revised_due_date = models.DateField(null=True, blank=True, editable=False)
    last_updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ActionQuerySet.as_manager()

    # The current status and revised date are copies of the RAG history, which is its own log.
    history = HistoricalRecords(
        m2m_fields=[lead_posts, recommendations],
        excluded_fields=["number_sort", "current_status", "revised_due_date", "last_updated_at"],
    )

    class Meta:
        ordering = ["plan", "number_sort"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_number_unique_in_plan")
        ]
        indexes = [
            # The action table and "My actions" filter a plan's actions by current status.
            models.Index(fields=["plan", "current_status"], name="action_plan_status_idx"),
            # A plan's actions in number order (the table's default order, exports) without a sort.
            models.Index(fields=["plan", "number_sort"], name="action_plan_number_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.description[:60]}"

    def save(self, *args, **kwargs):
        self.number_sort = number_sort_key(self.number)
        if self.theme_id and not self.plan_id:
            self.plan_id = self.theme.plan_id
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                ReportedAction.objects.add_action(self)

    def get_absolute_url(self):
        return reverse("improvement:action_detail", args=[self.pk])

    def clean(self):
        if self.theme_id and self.plan_id and self.theme.plan_id != self.plan_id:
            raise ValidationError({"theme": gettext("The theme belongs to another plan.")})
        if self.objective_id and self.theme_id and self.objective.theme_id != self.theme_id:
            raise ValidationError({"objective": gettext(
                "Objective %(objective)s is under theme %(its_theme)s, not %(theme)s: select an objective of the "
                "chosen theme, or none") % {"objective": self.objective.code or self.objective,
                                            "its_theme": self.objective.theme, "theme": self.theme}})

    @property
    def effective_due_date(self) -> datetime.date | None:
        return self.revised_due_date or self.due_date

    def deletion_blockers(self) -> list[str]:
        """Why the action cannot be deleted (empty if it can).

        RAG history and evidence are never deleted, nor is what other apps recorded about the
        action (see ``records_elsewhere``). Milestones and the audit trail are part of the
        action and go with it.
        """
        reasons = records_elsewhere(self)
        updates = self.updates.count()
        if updates:
            reasons.append(ngettext("It has RAG history (%(count)s update), which is never deleted.",
                                    "It has RAG history (%(count)s updates), which is never deleted.",
                                    updates) % {"count": updates})
        if self.evidence.exists():
            reasons.append(gettext("It has evidence attached."))
        return reasons
    def lead_posts_held(self) -> list[tuple["Post", list["User"]]]:
        """The action's lead posts, each with its holders. Reads ``lead_posts__holders`` (for many
        actions, ``attach_lead_posts_held()`` them first, or prefetch it), and once prefetched
        keeps the answer on the action: a list page asks for an action's leads three or four
        times, and each ``.all()`` of a relation builds a manager (1,800 of them were a tenth of
        the round status page)."""
        if "_lead_posts_held" in self.__dict__:
            return self._lead_posts_held
        held = [(post, list(post.holders.all())) for post in self.lead_posts.all()]
        if "lead_posts" in getattr(self, "_prefetched_objects_cache", {}):
            self._lead_posts_held = held  # as stale as the prefetch itself, never staler
        return held

    @staticmethod
    def attach_lead_posts_held(actions) -> None:
        """Give each of ``actions`` its answer to ``lead_posts_held()`` in three queries (the
        links, the posts, their holders) whatever their number, each post and each holder read
        once and shared by the actions it leads. A prefetch of ``lead_posts__holders`` builds a
        post and its holders for every action, and a council's 300 actions share a dozen posts:
        on the round status page that was a fifth of its time. Posts in their order (title),
        holders in theirs, as the prefetch gives them."""
        by_id = {action.pk: action for action in actions}
        if not by_id:
            return
        links = list(Action.lead_posts.through.objects.filter(action_id__in=by_id).values_list("action_id", "post_id"))
        posts = Post.objects.filter(pk__in={post_id for _action_id, post_id in links}).prefetch_related("holders")
        held = {post.pk: (post, list(post.holders.all())) for post in posts}
        for action in by_id.values():
            action._lead_posts_held = []
        for action_id, post_id in links:
            by_id[action_id]._lead_posts_held.append(held[post_id])
        for action in by_id.values():
            action._lead_posts_held.sort(key=lambda pair: (pair[0].title, pair[0].pk))

    def lead_holders(self) -> list["User"]:
        """The active people who hold the action's lead posts: who is told about it."""
        people: dict = {}
        for _post, holders in self.lead_posts_held():
            for holder in holders:
                if holder.is_active:
                    people.setdefault(holder.pk, holder)
        return list(people.values())

    def unheld_lead_posts(self) -> list["Post"]:
        """The action's lead posts that no active person holds (vacant, or held only by people
        who have left)."""
        return [post for post, holders in self.lead_posts_held() if not any(h.is_active for h in holders)]

    def is_overdue(self, as_of: datetime.date) -> bool:
        due = self.effective_due_date
        complete = self.current_status is not None and self.current_status.is_complete
        return due is not None and due < as_of and not complete

    def check_update(self, *, status, note, revised_due_date=None, revised_date_reason="") -> None:
        """Raise ValidationError if an update with these values may not be recorded: the rules
        ``record_update`` applies, for a caller that checks many before recording any (the
        offline workbook's preview)."""
        if status.scheme_id != self.plan.rag_scheme_id:
            raise ValidationError(gettext("That status is not in this plan's RAG scheme."))
        # Judged on the text as it will be stored (a note of control characters alone is empty).
        if status.is_complete and not normalise_text(note).strip():
            raise ValidationError(gettext("A completed action needs a review note."))
        if revised_due_date and not normalise_text(revised_date_reason).strip():
            raise ValidationError(gettext("Give a reason for the revised date."))

    def record_update(self, *, status, note, by, period=None, revised_due_date=None,
                      revised_date_reason="", evidence=(), written_at=None,
                      is_illustrative=False, recorded_for=None):
        """Append an update to the RAG history and refresh the current status: ``record_updates``
        with one entry (its rules and locks). Returns the update."""
        entry = UpdateEntry(self, status=status, note=note, period=period, revised_due_date=revised_due_date,
                            revised_date_reason=revised_date_reason, evidence=evidence, written_at=written_at,
                            is_illustrative=is_illustrative, recorded_for=recorded_for)
        return record_updates([entry], by=by)[0]


@dataclass
class UpdateEntry:
    """One update for ``record_updates`` to append: the fields of an Update, for an action."""

    action: "Action"
    status: "RagStatus"
    note: str
    period: datetime.date | None = None  # None: the plan's current period
    revised_due_date: datetime.date | None = None
    revised_date_reason: str = ""
    evidence: tuple = ()  # unsaved Evidence, attached to the update
    written_at: datetime.datetime | None = None  # None: now
    is_illustrative: bool = False
    recorded_for: "User | None" = None  # the lead on whose behalf ``by`` records it


@transaction.atomic
def record_updates(entries, *, by) -> list["Update"]:
    """Append updates of one plan's actions to the RAG history, in the order given, and refresh
    each action's current status and the plan's period view; the one code path that creates an
    Update or assigns ``current_status``. All or nothing: every entry is checked (as
    ``Action.check_update`` says) before any is written, and a ValidationError writes none.

    Locks the actions' rows, then the plan's, as one update does, so two leads saving at once are
    applied one after the other (both land in the history; the later is current) and a plan's
    updates, its period view's rows and a round closing on it are written one after another. A
    whole import or workbook costs a handful of queries, not a handful per update."""
    entries = list(entries)
    if not entries:
        return []
    plan = entries[0].action.plan  # the callers' (usually already loaded) plan: no query per update
    if any(entry.action.plan_id != plan.pk for entry in entries):
        raise ValueError("record_updates() records the updates of one plan at a time.")
    action_ids = sorted({entry.action.pk for entry in entries})
    locked = Action.objects.select_for_update().filter(pk__in=action_ids).order_by("pk").values_list("pk", flat=True)
    if len(locked) != len(action_ids):
        raise Action.DoesNotExist("An action to update no longer exists.")
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    for entry in entries:
        entry.action.plan = plan
        entry.action.check_update(status=entry.status, note=entry.note, revised_due_date=entry.revised_due_date,
                                  revised_date_reason=entry.revised_date_reason)
    now = timezone.now()
    updates = []
    for entry in entries:
        update = Update(action_id=entry.action.pk, period=first_of_month(entry.period or plan.current_period),
                        status=entry.status, note=entry.note, revised_due_date=entry.revised_due_date,
                        revised_date_reason=entry.revised_date_reason, created_by=by,
                        recorded_for=entry.recorded_for, created_at=entry.written_at or now,
                        is_illustrative=entry.is_illustrative)
        normalise_text_fields(Update, update)  # bulk_create() skips save() and its pre_save signal
        updates.append(update)
    Update.objects.bulk_create(updates, batch_size=1000)
    for entry, update in zip(entries, updates, strict=True):
        update.action = entry.action
        for item in entry.evidence:
            item.update, item.action, item.uploaded_by = update, entry.action, by
            item.save()
    # Each action's current status is its last update's; a revised due date, once given, stays.
    latest, revised = {}, {}
    for update in updates:
        latest[update.action_id] = update
        if update.revised_due_date:
            revised[update.action_id] = update.revised_due_date
    alike = defaultdict(list)  # one UPDATE per set of values, not one per action
    for action_id, update in latest.items():
        alike[update.status_id, update.created_at, revised.get(action_id)].append(action_id)
    for (status_id, written, revised_date), ids in alike.items():
        values = {"current_status_id": status_id, "last_updated_at": written}
        if revised_date:
            values["revised_due_date"] = revised_date
        Action.objects.filter(pk__in=ids).update(**values)
    for entry in entries:
        action, update = entry.action, latest[entry.action.pk]
        action.current_status, action.last_updated_at = update.status, update.created_at
        action.revised_due_date = revised.get(action.pk, action.revised_due_date)
    ReportedAction.objects.refresh(plan, action_ids, min(update.period for update in updates))
    updates_recorded.send(sender=Update, plan=plan, updates=updates)
    return updates


class Milestone(models.Model):
    """A dated checkpoint on the way to an action's due date."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.TextField()
    due_date = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "position", "due_date", "pk"]

    def __str__(self):
        return self.title[:80]


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete RAG history."""


class UpdateQuerySet(models.QuerySet):
    def in_period(self, period: datetime.date):
        return self.filter(period=period)

    def reporting(self):
        """Only the update that counts for each action and period: the latest one.

        A second update in a period supersedes the first for reporting; both stay in the
        history.
        """
        later = Update.objects.filter(
            action=OuterRef("action"), period=OuterRef("period"), pk__gt=OuterRef("pk")
        )
        return self.filter(~Exists(later))

    def update(self, **kwargs):
        raise AppendOnlyError("RAG history is append-only: updates cannot be changed.")

    def delete(self):
        raise AppendOnlyError("RAG history is append-only: updates cannot be deleted.")


class Update(models.Model):
    """One entry of an action's RAG history. Written only by Action.record_update()."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    period = models.DateField(help_text=_("The reporting period (first day of its month)."))
    status = models.ForeignKey(RagStatus, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("review note"), blank=True)
    revised_due_date = models.DateField(null=True, blank=True)
    revised_date_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="updates"
    )
    recorded_for = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The lead on whose behalf created_by recorded it (e.g. from their offline workbook)."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_illustrative = models.BooleanField(
        default=False, help_text=_("Demo data not taken from a real document.")
    )

    objects = UpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "-period", "-pk"]
        indexes = [
            # Missing-update checks and period reports look up an action's updates by period.
            models.Index(fields=["action", "period"], name="update_action_period_idx"),
        ]

    def __str__(self):
        return f"{self.action.number} {period_label(self.period)}: {self.status.code}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("RAG history is append-only: updates cannot be changed.")
        self.period = first_of_month(self.period)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("RAG history is append-only: updates cannot be deleted.")

    @property
    def period_label(self) -> str:
        return period_label(self.period)


def evidence_path(instance, filename):
    """Never use the uploaded name on disk: a random name keeps the original's extension only."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def evidence_storage():
    return storages["evidence"]


class Evidence(models.Model):
    """A file or a link that shows an action's effect."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="evidence")
    update = models.ForeignKey(
        Update, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    title = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=evidence_path, storage=evidence_storage, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "-created_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""), name="evidence_has_file_or_link"
            )
        ]

    def __str__(self):
        return self.title or self.original_name or self.url

    @property
    def name(self) -> str:
        return self.title or self.original_name or self.url


@dataclass(frozen=True)
class Movement:
    """How an action moved between two periods, by the severity of its statuses."""

    IMPROVED = "improved"
    DECLINED = "declined"
    UNCHANGED = "unchanged"
    NEW = "new"

    @staticmethod
    def between(previous, current) -> str | None:
        if current is None:
            return None
        if previous is None:
            return Movement.NEW
        if current.severity < previous.severity:
            return Movement.IMPROVED
        if current.severity > previous.severity:
            return Movement.DECLINED
        return Movement.UNCHANGED


@dataclass(frozen=True)
class StatusCount:
    status: RagStatus | None  # None: no update recorded yet
    count: int
    percent: float

    @property
    def width(self) -> int:
        """The bar segment's width in whole percent (a CSS utility class exists for each)."""
        return max(1, round(self.percent)) if self.count else 0


@dataclass(frozen=True)
class StatusSummary:
    """RAG counts and percentages over a set of actions, in the scheme's order."""

    total: int
    counts: list[StatusCount]

    @classmethod
    def build(cls, statuses, counts: dict, *, include_none: bool | None = None) -> "StatusSummary":
        """Counts by status in the scheme's order, then "no update yet" when there are any (or
        when ``include_none`` asks for the column, so that several summaries line up)."""
        total = sum(counts.values())
        rows = [
            StatusCount(status, counts.get(status.pk, 0),
                        100 * counts.get(status.pk, 0) / total if total else 0.0)
            for status in statuses
        ]
        if include_none or (include_none is None and counts.get(None)):
            none = counts.get(None, 0)
            rows.append(StatusCount(None, none, 100 * none / total if total else 0.0))
        return cls(total, rows)




# --- The period view's stored rows ----------------------------------------------------------------
#
# An action as reported for a period (its status, the update that counts, its status the period
# before, its due date as revised by then) is derived from the append-only RAG history and stored,
# one row per action per period, so that pages read what they show instead of replaying the
# history (decision 0012). The rows are written in the same transaction as the history
# (``Action.record_update``), when a plan starts a new period (``Plan.start_period``) and when an
# action is created; ``manage.py rebuild_period_view`` rebuilds them; readers
# (``improvement.reporting.PeriodView``) rebuild a plan whose rows are missing before they read.


@dataclass(frozen=True)
class HistoryEntry:
    """The part of an update that the period view is derived from."""

    period: datetime.date
    pk: int
    status_id: int
    revised_due_date: datetime.date | None
    created_at: datetime.datetime


# Ids per IN (...) list: well inside every database's limit on a statement's parameters.
IN_CHUNK = 500

HISTORY_FIELDS = ("action_id", "period", "pk", "status_id", "revised_due_date", "created_at")


def history_of(updates) -> dict[int, list[HistoryEntry]]:
    """{action id: its updates in the order they count (period, then as recorded)} from a queryset
    of updates, read in one pass."""
    history: dict[int, list[HistoryEntry]] = {}
    for action_id, *values in updates.order_by("action_id", "period", "pk").values_list(*HISTORY_FIELDS).iterator(
            chunk_size=5000):
        history.setdefault(action_id, []).append(HistoryEntry(*values))
    return history


def periods_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    periods, period = [], first
    while period <= last:
        periods.append(period)
        period = add_months(period, 1)
    return periods


def derive_reported(action_ids, history: dict[int, list[HistoryEntry]], periods: list[datetime.date], *,
                    counted: dict[int, int] | None = None) -> list[dict]:
    """Each action as reported for each of ``periods`` (consecutive months, in order), as the
    fields of a stored row: the status of its latest update in or before the period, the status
    of the period before, the update that counts in the period (its latest) and when the first
    one was recorded (the submission), and the due date as revised by then.

    ``counted`` fixes what counts in the last period, as a closed round does: {action id: the pk
    of the update that counts}; updates recorded in that period after it, and any for an action
    not in the map, do not count."""
    rows = []
    last = periods[-1]
    for action_id in action_ids:
        entries = history.get(action_id, ())
        index, status, revised = 0, None, None
        while index < len(entries) and entries[index].period < periods[0]:
            status = entries[index].status_id
            revised = entries[index].revised_due_date or revised
            index += 1
        for period in periods:
            previous, in_period = status, []
            while index < len(entries) and entries[index].period <= period:
                entry = entries[index]
                index += 1
                if counted is not None and period == last and entry.pk > counted.get(action_id, 0):
                    continue
                in_period.append(entry)
                status = entry.status_id
                revised = entry.revised_due_date or revised
            rows.append({
                "action_id": action_id, "period": period, "status_id": status, "previous_status_id": previous,
                "update_id": in_period[-1].pk if in_period else None,
                "first_update_at": min(e.created_at for e in in_period) if in_period else None,
                "revised_due_date": revised,
            })
    return rows


class Reported(models.Model):
    """The fields of an action as reported for a period (the core's rows, and a closed round's
    in the boards app). Derived: never edit one by hand, rebuild it."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+")
    status = models.ForeignKey(RagStatus, null=True, on_delete=models.PROTECT, related_name="+",
                               help_text=_("As reported for the period: its latest update in or before it."))
    previous_status = models.ForeignKey(RagStatus, null=True, on_delete=models.PROTECT, related_name="+",
                                        help_text=_("As reported for the period before."))
    update = models.ForeignKey(Update, null=True, on_delete=models.PROTECT, related_name="+",
                               help_text=_("The update that counts in the period (none: no update in it)."))
    first_update_at = models.DateTimeField(null=True, help_text=_("When the period's first update was recorded."))
    revised_due_date = models.DateField(null=True, help_text=_("The due date as revised by the end of the period."))

    class Meta:
        abstract = True

    @property
    def due_date(self) -> datetime.date | None:
        return self.revised_due_date or self.action.due_date

    @property
    def is_complete(self) -> bool:
        return self.status is not None and self.status.is_complete

    @property
    def has_update(self) -> bool:
        return self.update_id is not None

    @property
    def is_missing_update(self) -> bool:
        """Open, and no update in the period."""
        return not self.is_complete and self.update_id is None

    def is_overdue(self, as_of: datetime.date) -> bool:
        """Due (as revised by then) before ``as_of``, and not complete as reported."""
        due = self.due_date
        return due is not None and due < as_of and not self.is_complete

    @property
    def movement(self) -> str | None:
        return Movement.between(self.previous_status, self.status)


class ReportedActionQuerySet(models.QuerySet):
    def span(self, plan) -> tuple[datetime.date | None, datetime.date | None]:
        """The first and last periods the plan's rows cover."""
        found = self.filter(plan=plan).aggregate(first=models.Min("period"), last=models.Max("period"))
        return found["first"], found["last"]

    @transaction.atomic
    def rebuild(self, plan) -> int:
        """Derive the plan's rows afresh from its RAG history: every action, every period from
        the plan's first update (or its current period) to its current period (or its latest
        update). Idempotent; one transaction; the plan row is locked meanwhile. Returns the
        number of rows written."""
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        history = history_of(Update.objects.filter(action__plan=plan))
        action_ids = list(Action.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True))
        known = [entry.period for entries in history.values() for entry in entries]
        current = Plan.objects.values_list("current_period", flat=True).get(pk=plan.pk)
        periods = periods_between(min([*known, current]), max([*known, current]))
        self.filter(plan=plan).delete()
        rows = derive_reported(action_ids, history, periods)
        self.bulk_create((ReportedAction(plan_id=plan.pk, **row) for row in rows), batch_size=5000)
        return len(rows)

    def refresh(self, plan, action_ids, since: datetime.date) -> None:
        """Re-derive some actions' rows from ``since`` on, after updates for that period or later
        (in the updates' transaction). A period outside the rows' span rebuilds the plan. The plan
        row is locked, so a rebuild and an update of the same plan run one after the other."""
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        first, last = self.span(plan)
        if first is None or not first <= since <= last:
            self.rebuild(plan)
            return
        periods = periods_between(first, last)
        action_ids = sorted(action_ids)
        for start in range(0, len(action_ids), IN_CHUNK):
            chunk = action_ids[start:start + IN_CHUNK]
            history = history_of(Update.objects.filter(action_id__in=chunk))
            rows = derive_reported(chunk, history, periods)
            self.filter(action_id__in=chunk, period__gte=since).delete()
            self.bulk_create((ReportedAction(plan_id=plan.pk, **row) for row in rows if row["period"] >= since),
                             batch_size=5000)

    def extend(self, plan, through: datetime.date) -> None:
        """Carry every action's last row forward to ``through`` (a plan starting a new period):
        no update yet in the new periods, the status and revised date as they stood."""
        first, last = self.span(plan)
        if first is None or through < first:
            self.rebuild(plan)
            return
        if through <= last:
            return
        carried = list(self.filter(plan=plan, period=last).values("action_id", "status_id", "revised_due_date"))
        if len(carried) != Action.objects.filter(plan=plan).count():
            self.rebuild(plan)
            return
        self.bulk_create(
            (ReportedAction(plan_id=plan.pk, action_id=row["action_id"], period=period, status_id=row["status_id"],
                            previous_status_id=row["status_id"], revised_due_date=row["revised_due_date"])
             for period in periods_between(add_months(last, 1), through) for row in carried),
            batch_size=5000)

    def add_action(self, action) -> None:
        """A new action's rows for the plan's span: nothing reported yet."""
        first, last = self.span(action.plan_id)
        if first is None:
            return  # the plan has no rows yet: the first reader rebuilds them
        self.bulk_create(ReportedAction(plan_id=action.plan_id, action=action, period=period)
                         for period in periods_between(first, last))


class ReportedAction(Reported):
    """An action as reported for a period, from the whole RAG history (the core's period view).
    One row per action per period of the plan's span."""

    # No index of its own: reported_plan_period_idx begins with the plan. With both, PostgreSQL
    # took the plan's index to read a period's rows and filtered out every other period's.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+", db_index=False)
    period = models.DateField()

    objects = ReportedActionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "period"], name="reported_action_once_per_period"),
        ]
        indexes = [models.Index(fields=["plan", "period", "status"], name="reported_plan_period_idx")]

    def __str__(self):
        return f"{self.action_id} {period_label(self.period)}"


def plan_span(plan) -> tuple[datetime.date | None, datetime.date | None]:
    """The dates a plan covers, for the dates its measures' targets may take: from the earliest
    of its sources' publication, its first reporting period and the day it was created, to the
    latest due date (as revised) of its actions and milestones. None at the end while no action
    has a date."""
    sources = Source.objects.filter(plan=plan).aggregate(first=models.Min("published"))["first"]
    first_update = Update.objects.filter(action__plan=plan).aggregate(first=models.Min("period"))["first"]
    dates = Action.objects.filter(plan=plan).aggregate(due=models.Max("due_date"),
                                                       revised=models.Max("revised_due_date"))
    milestone = Milestone.objects.filter(action__plan=plan).aggregate(last=models.Max("due_date"))["last"]
    starts = [d for d in (sources, first_update, plan.created_at.date() if plan.created_at else None,
                          first_of_month(plan.current_period)) if d]
    ends = [d for d in (dates["due"], dates["revised"], milestone) if d]
    return (min(starts) if starts else None), (max(ends) if ends else None)


class MeasureQuerySet(models.QuerySet):
    def for_owner(self, user):
        """The measures owned by the posts a user holds."""
        return self.filter(owner__in=Post.objects.filter(holders=user))


class Measure(models.Model):
    """A performance indicator that shows the plan's impact: what is counted, in which unit,
    which way is better, and a trajectory of dated targets with a tolerance. Its RAG is
    computed (``improvement.measures``), never typed."""

    class Unit(models.TextChoices):
        PERCENTAGE = measures.PERCENTAGE, _("Percentage")
        NUMBER = measures.NUMBER, _("Number")
        DAYS = measures.DAYS, _("Days")
        RATE = measures.RATE, _("Rate per 10,000 children")

    class Polarity(models.TextChoices):
        HIGHER = measures.HIGHER, _("Higher is better")
        LOWER = measures.LOWER, _("Lower is better")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly (values for March, June, September and December)")
        ANNUAL = "annual", _("Annual (a value for March, the year's end)")

    # Which months' periods expect a value, by frequency.
    EXPECTED_MONTHS = {Frequency.MONTHLY: set(range(1, 13)), Frequency.QUARTERLY: {3, 6, 9, 12},
                       Frequency.ANNUAL: {3}}

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    reference = models.CharField(max_length=30, blank=True,
                                 help_text=_('How the council\'s scorecard refers to it, e.g. "CS12". Optional.'))
    name = models.CharField(_("name"), max_length=300)
    definition = models.TextField(blank=True, help_text=_("What is counted, and how."))
    numerator = models.TextField(blank=True, help_text=_("For a rate or percentage: what is counted above the line."))
    denominator = models.TextField(blank=True, help_text=_("For a rate or percentage: what it is counted out of."))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.PERCENTAGE)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.HIGHER)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    data_source = models.CharField(max_length=300, blank=True,
                                   help_text=_('e.g. "Children\'s social care system (Care First)".'))
    owner = models.ForeignKey(Post, null=True, blank=True, on_delete=models.PROTECT, related_name="measures_owned",
                              help_text=_("The post that records its values."))
    baseline_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    baseline_note = models.CharField(
        max_length=300, blank=True,
        help_text=_('Where there is no baseline yet, e.g. "Baseline to be set January 2013".'))
    tolerance = models.DecimalField(
        max_digits=16, decimal_places=4, default=0,
        help_text=_("How far worse than target a value may be and still be Within tolerance (Amber), in the "
                  "measure's unit (percentage points for a percentage)."))
    themes = models.ManyToManyField(Theme, blank=True, related_name="measures")
    actions = models.ManyToManyField(Action, blank=True, related_name="impact_measures")
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="measures")
    position = models.PositiveIntegerField(_("position"), default=0)
    is_illustrative = models.BooleanField(default=False, help_text=_("Demo data not taken from a real document."))

    version = models.PositiveIntegerField(default=1, editable=False, help_text=_("Raised by every save of an edit."))

    objects = MeasureQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=[themes, actions, recommendations])

    class Meta:
        ordering = ["plan", "position", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="measure_name_unique_in_plan")]

    def __str__(self):
        return f"{self.reference} {self.name}".strip()

    def get_absolute_url(self):
        return reverse("improvement:measure_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.tolerance is not None:
            try:
                measures.check_tolerance(Decimal(str(self.tolerance)), self.unit)
            except ValueError as error:
                errors["tolerance"] = str(error)
        if self.baseline_value is not None:
            try:
                measures.check_value(Decimal(str(self.baseline_value)), self.unit)
            except ValueError as error:
                errors["baseline_value"] = gettext("The baseline %(error)s") % {
                    "error": f"{str(error)[0].lower()}{str(error)[1:]}"}
            if self.baseline_date is None:
                errors["baseline_date"] = gettext("Enter the date of the baseline value")
        elif self.baseline_date is not None:
            errors["baseline_value"] = gettext("Enter the baseline value, or clear its date")
        if errors:
            raise ValidationError(errors)

    def format(self, value) -> str:
        return measures.format_value(value, self.unit)

    def parse(self, text) -> "Decimal":
        return measures.parse_value(text, self.unit)

    @property
    def baseline(self):
        if self.baseline_value is None or self.baseline_date is None:
            return None
        return self.baseline_date, self.baseline_value

    def trajectory(self) -> list[tuple[datetime.date, "Decimal"]]:
        """The dated targets, as (date, value) in date order (reads ``targets``, unless
        ``attach_trajectories`` read them for many measures at once)."""
        attached = self.__dict__.get("_trajectory")
        if attached is not None:
            return attached
        return sorted((t.date, t.value) for t in self.targets.all())

    @staticmethod
    def attach_trajectories(measures, targets=None) -> None:
        """Read the dated targets of all ``measures`` in one query, as figures (a prefetch builds a
        model per target, and ``target_for`` sorted them again for every period it was asked);
        or take them from ``targets`` (their ``MeasureTarget`` models), where a page has read
        them to show them."""
        by_measure = {measure.pk: [] for measure in measures}
        if targets is None:
            targets = (MeasureTarget.objects.filter(measure_id__in=list(by_measure))
                       .order_by("measure_id", "date", "value").values_list("measure_id", "date", "value"))
        else:
            targets = sorted((target.measure_id, target.date, target.value) for target in targets)
        for measure_id, day, value in targets:
            by_measure[measure_id].append((day, value))
        for measure in measures:
            measure._trajectory = by_measure[measure.pk]

    def target_for(self, period: datetime.date):
        """The target a value for ``period`` is judged against (the trajectory on its last day)."""
        return measures.target_on(measures.period_end(period), self.trajectory(), self.baseline)

    def rag_for(self, value, period: datetime.date) -> measures.Rag:
        return measures.rag_of(value, self.target_for(period), tolerance=self.tolerance, polarity=self.polarity)

    def expects_value_in(self, period: datetime.date) -> bool:
        return period.month in self.EXPECTED_MONTHS[self.frequency]

    @transaction.atomic
    def record_value(self, *, period, value, by, commentary="", written_at=None, is_illustrative=False,
                     via="page"):
        """Append a value for ``period``. A period that already has one is superseded for
        reporting by this one; both stay. The only code path that creates a MeasureValue."""
        period = first_of_month(period)
        if isinstance(value, str):
            try:
                value = self.parse(value)
            except ValueError as error:
                raise ValidationError({"value": str(error)}) from None
        else:
            try:
                measures.check_value(Decimal(str(value)), self.unit)
            except ValueError as error:
                raise ValidationError({"value": str(error)}) from None
            value = Decimal(str(value))
        if self.baseline_date and period < first_of_month(self.baseline_date):
            raise ValidationError({"period": gettext(
                "%(period)s is before the baseline (%(baseline)s): values start from the baseline") % {
                "period": period_label(period), "baseline": period_label(self.baseline_date)}})
        current = Plan.objects.values_list("current_period", flat=True).get(pk=self.plan_id)
        if period > current:
            raise ValidationError({"period": gettext(
                "%(period)s is after the plan's current period (%(current)s): values are for periods that have "
                "started") % {"period": period_label(period), "current": period_label(current)}})
        # The measure row is locked, so two values for one period land one after the other.
        Measure.objects.select_for_update().filter(pk=self.pk).first()
        return MeasureValue.objects.create(
            measure=self, period=period, value=value, commentary=commentary, recorded_by=by,
            recorded_at=written_at or timezone.now(), is_illustrative=is_illustrative, via=via)


class MeasureTarget(models.Model):
    """One dated target on a measure's trajectory ("95% by March 2013")."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    date = models.DateField(help_text=_("The date by which the target is to be reached."))
    value = models.DecimalField(max_digits=16, decimal_places=4)
    note = models.CharField(max_length=300, blank=True,
                            help_text=_('e.g. "End of plan" or "Improvement Notice target".'))

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "date"]
        constraints = [models.UniqueConstraint(fields=["measure", "date"], name="measure_target_once_per_date")]

    def __str__(self):
        return f"{self.measure.format(self.value)} by {self.date:%-d %B %Y}"

    def clean(self):
        errors = {}
        if self.value is not None and self.measure_id:
            try:
                measures.check_value(Decimal(str(self.value)), self.measure.unit)
            except ValueError as error:
                errors["value"] = gettext("The target %(error)s") % {
                    "error": f"{str(error)[0].lower()}{str(error)[1:]}"}
        if self.date and self.measure_id:
            starts, ends = plan_span(self.measure.plan)
            if (starts and self.date < starts) or (ends and self.date > ends):
                dates = {"date": date_format(self.date, "j F Y"),
                         "starts": date_format(starts, "j F Y") if starts else "",
                         "ends": date_format(ends, "j F Y") if ends else ""}
                errors["date"] = (gettext("%(date)s is outside the plan, which runs from %(starts)s to %(ends)s "
                                          "(its latest action date): choose a date within it") % dates if ends else
                                  gettext("%(date)s is before the plan starts (%(starts)s)") % dates)
        if errors:
            raise ValidationError(errors)


class MeasureValueQuerySet(models.QuerySet):
    def reporting(self, as_of: datetime.date | None = None):
        """Only the value that counts for each measure and period: the latest recorded (by the
        end of ``as_of``, when given). A correction supersedes the earlier value for reporting;
        both stay."""
        later = MeasureValue.objects.filter(measure=OuterRef("measure"), period=OuterRef("period"),
                                            pk__gt=OuterRef("pk"))
        known = self
        if as_of is not None:
            known = self.filter(recorded_at__date__lte=as_of)
            later = later.filter(recorded_at__date__lte=as_of)
        return known.filter(~Exists(later))

    def reporting_list(self, as_of: datetime.date | None = None) -> list["CountedValue"]:
        """What ``reporting(as_of)`` selects, as figures (``CountedValue``) in measure and period
        order: every value known by then read once, the latest recorded of each measure and
        period kept. For the whole series of a plan's measures this is one index scan, where the
        NOT EXISTS of ``reporting`` has PostgreSQL hash every value of every plan (13 of the plan
        page's ms); and tuples, not models, as a page reads hundreds (models took 4 ms more)."""
        known = self.filter(recorded_at__date__lte=as_of) if as_of is not None else self
        latest: dict[tuple, CountedValue] = {}
        for row in known.order_by("measure_id", "period", "pk").values_list(*CountedValue._fields):
            value = CountedValue(*row)
            latest[value.measure_id, value.period] = value  # a later correction takes the earlier's place
        return list(latest.values())

    def update(self, **kwargs):
        raise AppendOnlyError("Measure values are append-only: they cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Measure values are append-only: they cannot be deleted.")


class CountedValue(NamedTuple):
    """A measure's value as reporting counts it, as figures alone: what trend lines, scorecards
    and the period view read of it (``MeasureValueQuerySet.reporting_list``)."""
    pk: int
    measure_id: int
    period: datetime.date
    value: Decimal

    @property
    def period_label(self) -> str:
        return period_label(self.period)


class MeasureValue(models.Model):
    """One recorded value of a measure for a period. Append-only, like the RAG history; written
    only by ``Measure.record_value()``."""

    class Via(models.TextChoices):
        PAGE = "page", _("Recorded on the page")
        IMPORT = "import", _("Imported from a scorecard")
        DEMO = "demo", _("Demo data")

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="values")
    period = models.DateField(help_text=_("The reporting period (first day of its month)."))
    value = models.DecimalField(max_digits=16, decimal_places=4)
    commentary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="measure_values")
    recorded_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.PAGE)
    is_illustrative = models.BooleanField(default=False, help_text=_("Demo data not taken from a real document."))

    objects = MeasureValueQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "-period", "-pk"]
        indexes = [models.Index(fields=["measure", "period"], name="measure_value_period_idx")]

    def __str__(self):
        return f"{self.measure.name[:40]} {period_label(self.period)}: {self.measure.format(self.value)}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Measure values are append-only: they cannot be changed.")
        self.period = first_of_month(self.period)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Measure values are append-only: they cannot be deleted.")

    @property
    def period_label(self) -> str:
        return period_label(self.period)


class Comparator(models.TextChoices):
    ENGLAND = "england", _("England")
    REGION = "region", _("Region")
    STATISTICAL_NEIGHBOURS = "statistical_neighbours", _("Statistical neighbours")


class ComparatorValue(models.Model):
    """A benchmark beside the council's own value: England's, the region's or the statistical
    neighbours' figure for a period, typed or imported from published statistics. A later
    figure for the same period and comparator replaces the earlier one (published statistics
    are revised); the history keeps each version."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="comparator_values")
    period = models.DateField()
    comparator = models.CharField(max_length=30, choices=Comparator.choices)
    area = models.CharField(max_length=200, blank=True, help_text=_('Which one, e.g. "West Midlands".'))
    value = models.DecimalField(max_digits=16, decimal_places=4)
    source = models.CharField(max_length=300, blank=True, help_text=_("Where the figure comes from."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period", "comparator"]
        constraints = [models.UniqueConstraint(fields=["measure", "period", "comparator"],
                                               name="comparator_value_once_per_period")]

    def __str__(self):
        return f"{self.get_comparator_display()} {period_label(self.period)}: {self.measure.format(self.value)}"

    def clean(self):
        if self.value is not None and self.measure_id:
            try:
                measures.check_value(Decimal(str(self.value)), self.measure.unit)
            except ValueError as error:
                raise ValidationError({"value": str(error)}) from None


class PlanImport(models.Model):
    """An uploaded plan file between upload and confirmation: nothing is written to the plan
    until the manager confirms the mapping and the preview."""

    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="imports",
                             help_text=_("Empty when the import creates a new plan."))
    new_plan_name = models.CharField(max_length=200, blank=True)
    new_plan_scheme = models.ForeignKey(RagScheme, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    new_plan_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("The organisation a new plan is filed under, chosen at upload."))
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="plan_imports")
    filename = models.CharField(max_length=200)
    data = models.BinaryField()
    sheets = models.JSONField(null=True, blank=True, editable=False,
                              help_text=_("The file as read at upload (readers.sheets_to_json), so that the mapping "
                                        "and preview pages never read it again."))
    mapping = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import of {self.filename}"

    def get_absolute_url(self):
        return reverse("improvement:import_detail", args=[self.pk])

    def read_sheets(self):
        """The sheets of the file as read at upload. An import uploaded before they were kept is
        read once now, and kept."""
        from .importing.readers import read_upload, sheets_from_json, sheets_to_json

        if self.sheets is None:
            sheets = read_upload(self.filename, bytes(self.data))
            self.sheets = sheets_to_json(sheets)
            self.save(update_fields=["sheets"])
            return sheets
        return sheets_from_json(self.sheets)


class BackgroundJob(models.Model):
    """Work a request asks for and a background task carries out (board packs, large exports).
    A job is claimed before work starts, so however many workers pick up the same request,
    it is done exactly once; a failed job keeps its error and can be tried again."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("In progress")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self):
        return self.status in (self.Status.READY, self.Status.FAILED)

    def claim(self) -> bool:
        """Move from queued to running, atomically: of several workers, exactly one wins."""
        claimed = type(self).objects.filter(pk=self.pk, status=self.Status.QUEUED).update(
            status=self.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
        return claimed == 1

    def fail(self, error: Exception) -> None:
        type(self).objects.filter(pk=self.pk).update(
            status=self.Status.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000])

    def retry(self):
        type(self).objects.filter(pk=self.pk, status=self.Status.FAILED).update(
            status=self.Status.QUEUED, error="", finished_at=None)
        self.refresh_from_db()


def export_path(instance, filename):
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


def exports_storage():
    return storages["exports"]


class ExportQuerySet(models.QuerySet):
    def expired(self, now=None):
        return self.filter(requested_at__lt=(now or timezone.now()) - Export.KEPT_FOR)

    def delete_with_files(self) -> int:
        count = 0
        for export in self:
            if export.file:
                export.file.delete(save=False)
            export.delete()
            count += 1
        return count


class Export(BackgroundJob):
    """A large export of the action table, made in the background; only the person who asked
    for it can download it, and it is deleted after a day (it holds the plan's data)."""

    KEPT_FOR = datetime.timedelta(days=1)

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook (XLSX)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey("User", on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.XLSX)
    query = models.TextField(blank=True, help_text=_("The action table's filters, as a query string."))
    as_of = models.DateField(help_text=_("Overdue is judged as of this date (the day it was asked for)."))
    rows = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=export_path, storage=exports_storage, blank=True)
    filename = models.CharField(max_length=200)
    # The requester's interface language when they asked: the file's headings are in it.
    language = models.CharField(max_length=10, blank=True, default="")

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Export of {self.plan} for {self.requested_by} ({self.status})"

    def get_absolute_url(self):
        return reverse("improvement:export_detail", args=[self.pk])


class MeasureImport(models.Model):
    """An uploaded scorecard or benchmark file between upload and confirmation: nothing is
    recorded until the manager confirms the preview (``improvement.importing.scorecard``)."""

    class Kind(models.TextChoices):
        SCORECARD = "scorecard", _("The council's performance scorecard")
        BENCHMARK = "benchmark", _("Benchmarks from Explore Education Statistics (open data CSV)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measure_imports")
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="measure_imports")
    filename = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SCORECARD)
    sheets = models.JSONField(editable=False, help_text=_("The file as read at upload (readers.sheets_to_json)."))
    measure = models.ForeignKey(Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                help_text=_("For benchmarks: the measure the figures are for."))
    indicator = models.CharField(max_length=200, blank=True, help_text=_("For benchmarks: the file's column to read."))
    la_code = models.CharField(max_length=20, blank=True, help_text=_("For benchmarks: the council's LA code."))
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import of {self.filename}"

    def get_absolute_url(self):
        return reverse("improvement:measure_import_detail", args=[self.pk])

    def read_sheets(self):
        from .importing.readers import sheets_from_json

        return sheets_from_json(self.sheets)


# --- Framework criteria (decision 0015) ----------------------------------------------------------
# Versions of inspection frameworks' areas and criteria, loaded from the data files in
# improvement/frameworks/ by ``manage.py load_frameworks`` (improvement.criteria), and the tags that
# say which criteria a recommendation addresses.


class Framework(models.Model):
    """One version of an inspection framework (Ofsted's ILACS of 2023, CQC's local authority
    assessment), as its data file describes it, with the document it comes from."""

    key = models.SlugField(max_length=60, help_text=_('The framework across its versions, e.g. "ofsted-ilacs".'))
    version = models.CharField(max_length=20)
    short_title = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    published = models.DateField()
    source_title = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500)
    verified = models.BooleanField(help_text=_("Whether the file was checked against the published document itself."))
    check_note = models.TextField(help_text=_("What the file was checked against, and what was not."))
    file_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["title", "-published"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="framework_version_unique")]

    def __str__(self):
        return f"{self.short_title} {self.version}"


class FrameworkCriterion(models.Model):
    """An area or criterion of a framework version (a judgement, a theme, a quality statement);
    ``code`` is the data file's, stable within the version."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=60)
    title = models.CharField(max_length=400)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="criterion_code_unique_in_framework")]

    def __str__(self):
        return f"{self.framework}: {self.title}"


class CriterionTag(models.Model):
    """A recommendation addresses a framework criterion. Only plan managers tag
    (``access.can_manage_plan``). Removing a tag, by hand or by re-mapping to a new version,
    deletes the row and keeps it in the history, with who and why."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="criterion_tags")
    criterion = models.ForeignKey(FrameworkCriterion, on_delete=models.PROTECT, related_name="tags")
    tagged_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "criterion__position"]
        constraints = [models.UniqueConstraint(fields=["recommendation", "criterion"], name="criterion_tag_unique")]

    def __str__(self):
        return f"{self.recommendation_id} addresses {self.criterion_id}"


class Crosswalk(models.Model):
    """How one version's criteria map to a later version's ({old code: [new codes] or
    "retired"}; a code left out is for the plan manager to decide), from its data file."""

    from_framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="crosswalks_from")
    to_framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="crosswalks_to")
    mappings = models.JSONField()
    note = models.TextField(blank=True)
    source_title = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500)
    file_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["from_framework", "to_framework"]
        constraints = [models.UniqueConstraint(fields=["from_framework", "to_framework"], name="crosswalk_unique")]

    def __str__(self):
        return f"{self.from_framework} to {self.to_framework}"
class ReportImport(BackgroundJob):
    """An uploaded inspection report between upload and confirmation: its text, read once by the
    task worker after the upload (``improvement.tasks.read_report_import``; the job is ready when
    it has been read, failed with the reason when it cannot be), and the source its
    recommendations go to. Nothing is written to the plan until the manager confirms the preview
    (``improvement.importing.report``)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_imports")
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="report_imports")
    filename = models.CharField(max_length=200)
    data = models.BinaryField(help_text=_("The report as uploaded."))
    lines = models.JSONField(default=list, editable=False,
                             help_text=_("The report's text as read (report.lines_to_json), so that the preview and "
                                       "confirmation never read it again."))
    key = models.CharField(max_length=40, blank=True,
                           help_text=_("The key of the source the recommendations go to (empty until the report is "
                                     "read, when the uploader gave none)."))
    kind = models.CharField(max_length=30, choices=Source.Kind.choices)
    title = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text=_("The source written at confirmation."))
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import of {self.filename}"

    def get_absolute_url(self):
        return reverse("improvement:report_import_detail", args=[self.pk])
