"""Boards and how they work with a plan month by month: update rounds and reminders,
meetings with their attention list, review notes and challenge, decisions and follow-ups,
and independent scrutiny reviews.

The rules (who is late, what needs the board's attention, which update counts for a closed
round, how a scrutiny review summarises) are methods here, shared by pages, commands, packs
and tests.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from improvement.clock import today
from improvement.models import (
    Action,
    Movement,
    Plan,
    Recommendation,
    Reported,
    Update,
    derive_reported,
    history_of,
    period_label,
)
from improvement.reporting import PeriodView, register_rebuilder

from . import signals


class Board(models.Model):
    class Kind(models.TextChoices):
        IMPROVEMENT_BOARD = "improvement_board", _("Improvement board")
        SCRUTINY_PANEL = "scrutiny_panel", _("Scrutiny panel")
        PARTNERSHIP_BOARD = "partnership_board", _("Partnership board")

    name = models.CharField(verbose_name=_("name"), max_length=200)
    kind = models.CharField(verbose_name=_("kind"), max_length=30, choices=Kind.choices)
    plans = models.ManyToManyField(Plan, verbose_name=_("plans"), related_name="boards")
    description = models.TextField(verbose_name=_("description"), blank=True)

    # Which plans a board oversees decides who may read them, so changes to it are recorded.
    history = HistoricalRecords(m2m_fields=[plans])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("boards:board_detail", args=[self.pk])


class BoardMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")
        OFFICER = "officer", _("Officer")
        OBSERVER = "observer", _("Observer")

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="board_memberships")
    role = models.CharField(verbose_name=_("role"), max_length=20, choices=Role.choices)
    represents = models.CharField(verbose_name=_("represents"),
        max_length=200, blank=True,
        help_text=_('Whom they sit for, e.g. "West Midlands Police", "DfE participant observer".'),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "user"], name="board_member_once_per_board")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.board})"

    @classmethod
    def managing_roles(cls) -> tuple[str, ...]:
        """The roles that maintain a board: its members, plans and meetings."""
        return (cls.Role.CHAIR, cls.Role.OFFICER)

    def is_last_manager(self) -> bool:
        """Whether this is the board's only chair or officer: a board always keeps one."""
        return self.role in self.managing_roles() and not (
            BoardMember.objects.filter(board_id=self.board_id, role__in=self.managing_roles())
            .exclude(pk=self.pk).exists())

    def removal_blocker(self) -> str:
        """Why the member cannot be removed (or lose their managing role). Empty if they can."""
        if self.is_last_manager():
            return (f"{self.user} is the board's only chair or officer. Add another chair or officer "
                    "first.")
        return ""

    @transaction.atomic
    def remove(self, *, by):
        """Take the person off the board, unless they are its last chair or officer. The board's
        chair and officer rows are locked, so two removals at once cannot both succeed."""
        list(BoardMember.objects.select_for_update().filter(board_id=self.board_id,
                                                            role__in=self.managing_roles()))
        if blocker := self.removal_blocker():
            raise ValidationError(blocker)
        self._history_user = by
        self.delete()


# --- Update rounds ----------------------------------------------------------------------


class UpdateRoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class UpdateRound(models.Model):
    """A reporting period opened by the plan manager, with a deadline before the board meets."""

    REMINDER_DAYS_BEFORE = 3

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rounds")
    period = models.DateField(verbose_name=_("period"), help_text=_("The reporting period (first day of its month)."))
    deadline = models.DateField(verbose_name=_("deadline"),
                                help_text=_("The last day for leads to submit their update."))
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    history_until = models.BigIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("The newest update in the RAG history when the round closed: its view is the history as it "
                  "stood then."))

    objects = UpdateRoundQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period"], name="round_period_unique_in_plan",
                                    violation_error_message=_("This plan already has a round for that period.")),
            models.UniqueConstraint(fields=["plan"], condition=Q(closed_at__isnull=True),
                                    name="one_open_round_per_plan",
                                    violation_error_message=_("Close the open round before opening another.")),
        ]

    def __str__(self):
        return f"{self.plan} – {period_label(self.period)} round"

    def get_absolute_url(self):
        return reverse("boards:round_detail", args=[self.pk])

    @property
    def period_label(self):
        return period_label(self.period)

    @property
    def is_open(self):
        return self.closed_at is None

    def clean(self):
        if self.period:
            self.period = self.period.replace(day=1)
        if self.deadline and self.period and self.deadline < self.period:
            raise ValidationError(
                {"deadline": gettext("The deadline must be on or after the first day of the period (%(date)s)")
                 % {"date": date_format(self.period, "j F Y")}}
            )

    @classmethod
    @transaction.atomic
    def open_round(cls, *, plan, period, deadline, by):
        """Open a round and make its period the plan's current reporting period."""
        round_ = cls(plan=plan, period=period.replace(day=1), deadline=deadline, opened_by=by)
        round_.full_clean()  # includes the one-open-round and one-round-per-period constraints
        round_.save()
        plan.start_period(round_.period)
        signals.round_opened.send(sender=cls, round=round_)
        return round_

    def deadline_passed(self, as_of: datetime.date) -> bool:
        return as_of > self.deadline

    def deadline_end(self) -> datetime.datetime:
        """The end of the deadline day, in the site's time zone."""
        day_after = self.deadline + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))

    def submissions(self, as_of: datetime.date, actions=None) -> list["Submission"]:
        """Per action the round expects an update from (open as reported, or updated in the
        period): submitted on time, submitted late, or not submitted (and late once the deadline
        has passed), from the round's period view. A fixed number of queries whatever the size
        of the plan. ``actions`` narrows to some of the plan's actions (a queryset, with what
        the caller needs loaded); leads and their holders are read either way."""
        actions = actions if actions is not None else Action.objects.filter(plan_id=self.plan_id)
        reported = self.period_view(as_of).entries(actions, with_updates=False)
        Action.attach_lead_posts_held([row.action for row in reported])
        deadline_end = self.deadline_end()
        passed = self.deadline_passed(as_of)
        result = []
        for row in sorted(reported, key=lambda row: row.action.number_sort):
            if row.is_complete and not row.has_update:
                continue  # complete before this period: nothing more is asked
            submitted_at = row.first_update_at
            if submitted_at is None:
                state = Submission.LATE if passed else Submission.AWAITED
            elif submitted_at >= deadline_end:
                state = Submission.SUBMITTED_LATE
            else:
                state = Submission.SUBMITTED
            result.append(Submission(row.action, state, submitted_at))
        return result

    def by_lead(self, submissions) -> list["LeadSummary"]:
        """The submissions grouped per person holding a lead post (and per vacant post)."""
        leads: dict = {}
        for submission in submissions:
            for post, holders in submission.action.lead_posts_held():
                for holder in holders or [None]:
                    key = (holder.pk if holder else None, None if holder else post.pk)
                    summary = leads.setdefault(key, LeadSummary(holder, post if not holder else None))
                    summary.add(submission)
        return sorted(leads.values(), key=lambda s: (-s.outstanding, s.name))

    def who_to_remind(self, as_of: datetime.date | None = None) -> tuple[dict, list[Action]]:
        """The actions missing an update for this round's period, as ({user: [the actions they
        lead]}, [the actions that no one holding a lead post can be reminded about])."""
        view = self.period_view(as_of or today())
        reported = view.entries(Action.objects.filter(plan_id=self.plan_id), with_updates=False)
        Action.attach_lead_posts_held([row.action for row in reported])
        by_user: dict = {}
        no_one: list[Action] = []
        for row in sorted(reported, key=lambda row: row.action.number_sort):
            if not row.is_missing_update:
                continue
            holders = row.action.lead_holders()
            if not holders:
                no_one.append(row.action)
            for holder in holders:
                by_user.setdefault(holder, []).append(row.action)
        return by_user, no_one

    def leads_missing_updates(self) -> dict:
        """{user: [open actions they lead with no update in this round's period]}."""
        return self.who_to_remind()[0]

    @transaction.atomic
    def close(self, *, by):
        """Fix which update counts for this period: the latest one recorded by now. The round's
        view of the period (``RoundEntry``) is written in the same transaction."""
        locked = UpdateRound.objects.select_for_update().get(pk=self.pk)
        if locked.closed_at is not None:
            raise ValidationError(_("This round is already closed."))
        # The plan row is locked as record_update() locks it, so no update is half-recorded now.
        Plan.objects.select_for_update().filter(pk=self.plan_id).first()
        newest = Update.objects.order_by("-pk").values_list("pk", flat=True).first()
        self.history_until = locked.history_until = newest or 0
        counted = Update.objects.filter(action__plan=self.plan, period=self.period).reporting()
        CountedUpdate.objects.bulk_create(
            CountedUpdate(round=self, action_id=update.action_id, update=update)
            for update in counted.only("pk", "action_id")
        )
        self.write_entries()
        self.closed_at = timezone.now()
        self.closed_by = by
        self.save(update_fields=["closed_at", "closed_by", "history_until"])

    def write_entries(self) -> int:
        """Derive the closed round's view of its period from the RAG history as it stood when
        the round closed (``history_until``) and the updates it counted (idempotent: the round's
        rows are replaced). A round closed before ``history_until`` was kept reads the history
        before its period as it is now."""
        counted = dict(CountedUpdate.objects.filter(round=self).values_list("action_id", "update_id"))
        updates = Update.objects.filter(action__plan_id=self.plan_id, period__lte=self.period)
        if self.history_until is not None:
            updates = updates.filter(pk__lte=self.history_until)
        history = history_of(updates)
        action_ids = list(Action.objects.filter(plan_id=self.plan_id).order_by("pk").values_list("pk", flat=True))
        rows = derive_reported(action_ids, history, [self.period], counted=counted)
        RoundEntry.objects.filter(round=self).delete()
        RoundEntry.objects.bulk_create((RoundEntry(round=self, **{k: v for k, v in row.items() if k != "period"})
                                        for row in rows), batch_size=5000)
        return len(rows)

    def period_view(self, as_of: datetime.date) -> PeriodView:
        """The period as this round reports it, judged as of ``as_of``: the plan's own view while
        the round is open; once closed, what the round fixed (rows rewritten first if any are
        missing, e.g. for an action added since)."""
        if self.closed_at is None:
            return PeriodView.of_plan(self.plan, self.period, as_of)
        if RoundEntry.objects.filter(round=self).count() != Action.objects.filter(plan_id=self.plan_id).count():
            with transaction.atomic():
                self.write_entries()
        return PeriodView(self.plan, self.period, as_of, RoundEntry.objects.filter(round=self), fixed=True)

    def counted_updates(self) -> dict:
        """{action id: Update} that counts for the period: fixed at closing for a closed round,
        the latest update so far for an open one."""
        if self.closed_at is None:
            updates = (Update.objects.filter(action__plan=self.plan, period=self.period).reporting()
                       .select_related("status", "created_by"))
            return {update.action_id: update for update in updates}
        rows = CountedUpdate.objects.filter(round=self).select_related("update__status", "update__created_by")
        return {row.action_id: row.update for row in rows}


class CountedUpdate(models.Model):
    """For a closed round, the update that counts for each action (written once, at close)."""

    round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="counted")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+")
    update = models.ForeignKey(Update, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "action"], name="one_counted_update_per_action")
        ]

    def __str__(self):
        return f"{self.round}: {self.update}"


class RoundEntry(Reported):
    """An action as a closed round reports its period: derived from the updates the round counted
    (``CountedUpdate``, the record) and the history before the period; rebuildable."""

    round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="entries")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "action"], name="round_entry_once_per_action")
        ]

    def __str__(self):
        return f"{self.round}: {self.action_id}"


@dataclass
class Submission:
    SUBMITTED = "submitted"
    SUBMITTED_LATE = "submitted_late"
    AWAITED = "awaited"
    LATE = "late"
    LABELS = {SUBMITTED: _("Submitted"), SUBMITTED_LATE: _("Submitted late"), AWAITED: _("Not yet submitted"),
              LATE: _("Late: not submitted")}

    action: Action
    state: str
    submitted_at: datetime.datetime | None = None

    @property
    def label(self):
        return self.LABELS[self.state]

    @property
    def is_outstanding(self):
        return self.state in (self.AWAITED, self.LATE)


@dataclass
class LeadSummary:
    user: object
    vacant_post: object = None
    submissions: list = field(default_factory=list)

    @property
    def name(self):
        if self.user is not None:
            return str(self.user)
        return f"{self.vacant_post} (vacant)"

    def add(self, submission):
        if submission not in self.submissions:
            self.submissions.append(submission)

    @property
    def outstanding(self):
        return sum(1 for s in self.submissions if s.is_outstanding)

    @property
    def late(self):
        return sum(1 for s in self.submissions if s.state in (Submission.LATE, Submission.SUBMITTED_LATE))


class Reminder(models.Model):
    """One email to one lead (or, about actions no one can be reminded of, to one plan manager)
    for one round and rule; what makes reminders go out once."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder before the deadline")
        CHASER = "chaser", _("Chaser after the deadline")
        # To a plan manager: actions missing an update have no one holding their lead posts.
        NO_ONE_TO_REMIND = "no_one_to_remind", _("No one to remind: lead posts to fill")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    action_numbers = models.TextField(blank=True)
    error = models.TextField(blank=True)
    attempted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-attempted_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "kind"],
                                    condition=Q(status="sent"), name="reminder_sent_once")
        ]
        indexes = [
            # send_reminders asks, per round and rule, who has already been sent one.
            models.Index(fields=["round", "kind", "status"], name="reminder_round_kind_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.user} ({self.status})"


# --- Meetings ------------------------------------------------------------------------------


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="meetings")
    round = models.ForeignKey(UpdateRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="meetings",
                              help_text=_("The update round this meeting reviews."))
    date = models.DateField(verbose_name=_("date"))
    agenda = models.TextField(verbose_name=_("agenda"), blank=True)
    papers = models.TextField(verbose_name=_("papers"),
                              blank=True, help_text=_("Papers for the meeting, one per line."))

    class Meta:
        ordering = ["board", "-date"]

    def __str__(self):
        return f"{self.board} – {date_format(self.date, 'j F Y')}"

    def get_absolute_url(self):
        return reverse("boards:meeting_detail", args=[self.pk])

    def clean(self):
        if self.round_id and self.plan_id and self.round.plan_id != self.plan_id:
            raise ValidationError({"round": _("The round belongs to another plan.")})
        if self.board_id and self.plan_id and not self.board.plans.filter(pk=self.plan_id).exists():
            raise ValidationError({"plan": _("The board does not oversee this plan.")})
        # A meeting reviews its round's updates, so it cannot come before the round's period.
        if self.round_id and self.date and self.date < self.round.period:
            raise ValidationError({"date": gettext("The meeting must be on or after the start of the round it "
                                                   "reviews (%(start)s), not %(date)s")
                                   % {"start": date_format(self.round.period, "j F Y"),
                                      "date": date_format(self.date, "j F Y")}})

    def previous(self):
        return (Meeting.objects.filter(board=self.board, plan=self.plan, date__lt=self.date)
                .order_by("-date").first())

    def period_view(self) -> PeriodView:
        """The period this meeting reviews, judged as of its date: its round's (what the round
        fixed, once closed), or the plan's current period for a meeting without a round."""
        if self.round_id:
            return self.round.period_view(as_of=self.date)
        return PeriodView.of_plan(self.plan, self.plan.current_period, as_of=self.date)

    def attention_list(self, view: PeriodView | None = None, *, with_updates: bool = False,
                       entries: list | None = None) -> list["AttentionEntry"]:
        """What needs the board's attention: actions flagged by the rules (a status needing the
        board's attention, overdue, missing update, declined since last period) and those a
        member or officer added by hand, most serious first (see AttentionEntry.rank). The
        rules read the meeting's period view (``view``, or ``period_view()``); ``with_updates``
        loads each entry's counted update (``entry.reported.update``, for its note). ``entries``
        are the view's entries of all the plan's actions, when the caller has read them already
        (the board pack): the rules then pick from those rather than read the flagged ones."""
        view = view or self.period_view()
        items = list(self.attention_items.select_related("added_by"))
        reported = entries if entries is not None else view.flagged_entries(
            Action.objects.filter(plan_id=self.plan_id), also=[item.action_id for item in items],
            with_updates=with_updates)
        entries: dict = {}

        def flag(row, reason, text):
            entry = entries.setdefault(row.action.pk, AttentionEntry(row.action, row.status, reported=row))
            entry.reasons.append(text)
            entry.kinds.add(reason)

        Reason = AttentionEntry.Reason
        # The reasons' sentences are translated once, and each due date written once (a pack's
        # list can hold most of a plan's actions, and most share a handful of due dates).
        needs_attention, missing = gettext("%(status)s: %(meaning)s"), gettext("No update for %(period)s")
        overdue = gettext("Overdue: due %(date)s")
        declined = gettext("Declined since last period (%(before)s to %(now)s)")
        written: dict = {}
        for row in reported:
            status = row.status
            if status is not None and status.needs_board_attention:
                flag(row, Reason.STATUS, needs_attention % {"status": status.label, "meaning": status.meaning})
            if row.overdue:
                due = row.due_date
                if due not in written:
                    written[due] = date_format(due, "j F Y")
                flag(row, Reason.OVERDUE, overdue % {"date": written[due]})
            if row.is_missing_update:
                flag(row, Reason.MISSING_UPDATE, missing % {"period": view.label})
            if row.movement == Movement.DECLINED:
                flag(row, Reason.DECLINED, declined % {"before": row.previous_status.label, "now": status.label})
        rows = {row.action.pk: row for row in reported}
        for item in items:
            row = rows.get(item.action_id)
            if row is not None:
                flag(row, Reason.ADDED,
                     gettext("Added by %(person)s: %(reason)s") % {"person": item.added_by, "reason": item.reason})
        return sorted(entries.values(), key=AttentionEntry.rank)

    def attention_measures(self, view: PeriodView | None = None, readings: list | None = None) -> list:
        """The measures that need the board's attention: those Off target as the meeting's period
        view reads them (values recorded after the meeting's date are not yet known), as
        ``MeasureReading``s in the scorecard's order. ``readings`` are the view's measure readings,
        if already read."""
        if readings is None:
            readings = (view or self.period_view()).measure_readings()
        return [reading for reading in readings if reading.is_off_target]

    def open_notes_carried_in(self):
        """Review notes from earlier meetings of this board on this plan still open or carried
        forward: they are on this meeting's agenda."""
        return (ReviewNote.objects.filter(meeting__board=self.board, meeting__plan=self.plan,
                                          meeting__date__lt=self.date)
                .exclude(status=ReviewNote.Status.RESOLVED)
                .select_related("action", "author", "meeting"))

    def follow_ups_carried_in(self):
        return (FollowUp.objects.filter(meeting__board=self.board, meeting__plan=self.plan,
                                        meeting__date__lt=self.date, done=False)
                .select_related("owner", "meeting"))


@dataclass
class AttentionEntry:
    """One action on a meeting's attention list: why it is there (``reasons``, as sentences for
    the page and the pack; ``kinds``, for the summary and its filters)."""

    class Reason(models.TextChoices):
        # In order of seriousness, most serious first: the ranking reads this order.
        STATUS = "status", _("Status needing attention")
        OVERDUE = "overdue", _("Overdue")
        DECLINED = "declined", _("Declined since last period")
        ADDED = "added", _("Added by hand")
        MISSING_UPDATE = "missing", _("Missing update")

    action: Action
    status: object
    reasons: list = field(default_factory=list)
    kinds: set = field(default_factory=set)
    reported: object = None  # the action's row of the meeting's period view

    def rank(self):
        """Most serious first. An entry ranks by its most serious reason (the order of
        ``Reason``: a status needing the board's attention, such as Red; overdue; declined since
        last period; added by hand; missing update), then by how many reasons it has (more
        first), then by the severity of its status (worse first), then by action number."""
        order = list(self.Reason)
        return (min(order.index(kind) for kind in self.kinds), -len(self.kinds),
                -(self.status.severity if self.status is not None else 0), self.action.number_sort)


class AttentionItem(models.Model):
    """An action a member or officer added to a meeting's attention list by hand."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attention_items")
    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(verbose_name=_("reason"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "action"], name="attention_item_once")
        ]

    def __str__(self):
        return f"{self.action.number}: {self.reason[:60]}"


class ReviewNote(models.Model):
    """A board member's comment, question or challenge on an action within a meeting."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        QUESTION = "question", _("Question")
        CHALLENGE = "challenge", _("Challenge")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("note state", "Open")
        RESOLVED = "resolved", _("Resolved")
        CARRIED_FORWARD = "carried_forward", _("Carried forward")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="review_notes")
    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="review_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="review_notes")
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(verbose_name=_("text"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    resolution = models.TextField(blank=True, help_text=_("Why it was resolved, as the resolver wrote it."))

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The action page and My actions list an action's notes that are not resolved.
            models.Index(fields=["action", "status"], name="review_note_action_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.action.number}"

    @property
    def is_open(self):
        return self.status != self.Status.RESOLVED

    def resolve(self, *, by, reason: str):
        """Close the thread: the board is assured. Who, when and why are shown on the thread."""
        if not reason.strip():
            raise ValidationError({"resolution": _("Enter why the note is resolved")})
        self._set_status(self.Status.RESOLVED, by=by, resolution=reason.strip())

    def carry_forward(self, *, by):
        self._set_status(self.Status.CARRIED_FORWARD, by=by)

    def reopen(self):
        self._set_status(self.Status.OPEN, by=None)

    def _set_status(self, status, *, by, resolution=""):
        self.status, self.resolution = status, resolution
        self.closed_by = by
        self.closed_at = timezone.now() if by is not None else None
        self.save(update_fields=["status", "resolution", "closed_at", "closed_by"])


class ReviewResponse(models.Model):
    """A reply on a review note's thread: the lead's answer, or the board's follow-up."""

    note = models.ForeignKey(ReviewNote, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    text = models.TextField(verbose_name=_("text"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Reply by {self.author} on {self.note}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(verbose_name=_("text"))
    action = models.ForeignKey(Action, verbose_name=_("action"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", help_text=_("The action it concerns, if any."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]


class FollowUp(models.Model):
    """Something the meeting asked someone to do by a date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    description = models.TextField(verbose_name=_("description"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.PROTECT, related_name="follow_ups")
    due_date = models.DateField(verbose_name=_("due date"))
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        if self.meeting_id and self.due_date and self.due_date < self.meeting.date:
            raise ValidationError({"due_date": gettext("The follow-up must be due on or after its meeting "
                                                       "(%(meeting)s), not %(date)s")
                                   % {"meeting": date_format(self.meeting.date, "j F Y"),
                                      "date": date_format(self.due_date, "j F Y")}})


# --- Scrutiny --------------------------------------------------------------------------------


class ScrutinyReview(models.Model):
    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.PROTECT, related_name="scrutiny_reviews",
                              help_text=_("The scrutiny panel running the review."))
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="scrutiny_reviews")
    title = models.CharField(verbose_name=_("title"), max_length=300)
    date = models.DateField(verbose_name=_("date"))
    scope = models.TextField(verbose_name=_("scope"),
                             help_text=_('What it examines, e.g. "Ofsted immediate and 3-month actions".'))
    reported_to = models.CharField(verbose_name=_("reported to"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "-date"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("boards:review_detail", args=[self.pk])

    def period_view(self) -> PeriodView:
        """The plan as reported for the review's month (or the plan's current period, if the
        review is dated later), judged as of the review's date: the lead's own statuses that the
        review's conclusions sit beside."""
        period = min(self.date.replace(day=1), self.plan.current_period)
        return PeriodView.of_plan(self.plan, period, as_of=self.date)

    def lead_statuses(self) -> dict[int, object]:
        """{action id: the lead's own status as the review's period view reports it} for the
        actions its items cover."""
        actions = Action.objects.filter(plan_id=self.plan_id, assessments__review=self).distinct()
        return {action_id: row.status for action_id, row in self.period_view().by_action(actions).items()}

    def summary(self) -> list[tuple[str, str, int]]:
        """(conclusion, label, count) for every conclusion, in a fixed order."""
        counts = dict(
            self.assessments.values_list("conclusion").annotate(n=models.Count("pk")).order_by()
        )
        return [(value, label, counts.get(value, 0)) for value, label in Assessment.Conclusion.choices]


class Assessment(models.Model):
    """Scrutiny's independent conclusion on one item in a review's scope. It never changes the
    lead's own status."""

    class Conclusion(models.TextChoices):
        COMPLETE = "complete", _("Complete")
        PARTIALLY_COMPLETE = "partially_complete", _("Partially complete")
        NOT_COMPLETE = "not_complete", _("Not complete")
        UNKNOWN = "unknown", _("Unknown (no evidence received)")

    # Every conclusion short of Complete says why in a comment (the form's hints, README and
    # clean() all read this).
    NEEDS_COMMENT = [Conclusion.PARTIALLY_COMPLETE, Conclusion.NOT_COMPLETE, Conclusion.UNKNOWN]

    review = models.ForeignKey(ScrutinyReview, on_delete=models.CASCADE, related_name="assessments")
    number = models.CharField(verbose_name=_("number"), max_length=20)
    number_sort = models.CharField(max_length=100, editable=False)
    group = models.CharField(verbose_name=_("group"), max_length=200, blank=True,
                             help_text=_('The heading the review groups it under.'))
    requirement = models.TextField(verbose_name=_("requirement"))
    recommendation = models.ForeignKey(Recommendation, verbose_name=_("recommendation"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="assessments")
    actions = models.ManyToManyField(Action, verbose_name=_("actions"), blank=True, related_name="assessments")
    conclusion = models.CharField(verbose_name=_("conclusion"), max_length=30, choices=Conclusion.choices)
    comment = models.TextField(verbose_name=_("comment"), blank=True)
    evidence = models.TextField(_("evidence considered"), blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["review", "number_sort"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="assessment_number_unique_in_review")
        ]

    def __str__(self):
        return f"{self.number}: {self.get_conclusion_display()}"

    def save(self, *args, **kwargs):
        from improvement.models import number_sort_key

        self.number_sort = number_sort_key(self.number)
        super().save(*args, **kwargs)

    def clean(self):
        if self.conclusion in self.NEEDS_COMMENT and not self.comment.strip():
            raise ValidationError(
                {"comment": gettext("Enter a comment: a conclusion of “%(conclusion)s” needs one")
                 % {"conclusion": self.get_conclusion_display()}}
            )

    def disagrees_with(self, status) -> bool:
        """True where the lead's own status and scrutiny's conclusion tell different stories:
        the lead says complete and scrutiny does not agree, or scrutiny finds it complete while
        the lead does not."""
        return disagrees(self.conclusion == self.Conclusion.COMPLETE, status.is_complete if status else None)


@register_rebuilder
def rebuild_round_entries(plan) -> int:
    """Rewrite every closed round's view of its period (``manage.py rebuild_period_view``)."""
    return sum(round_.write_entries() for round_ in UpdateRound.objects.filter(plan=plan, closed_at__isnull=False))


@receiver(post_save, sender=Action, dispatch_uid="boards.round_entries_for_a_new_action")
def round_entries_for_a_new_action(sender, instance, created, raw=False, **kwargs):
    """A new action is in every closed round's view of its plan, with nothing reported (an import's
    bulk-created actions are added by ``UpdateRound.period_view`` when it finds them missing)."""
    if created and not raw:
        RoundEntry.objects.bulk_create(
            RoundEntry(round=round_, action=instance)
            for round_ in UpdateRound.objects.filter(plan_id=instance.plan_id, closed_at__isnull=False))


# --- External findings -----------------------------------------------------------------------


def disagrees(finds_complete: bool, lead_complete: bool | None) -> bool:
    """The one rule for "disagrees" between a judgement from outside and the lead's own status:
    the lead says complete and the judgement does not, or the judgement finds it complete (met)
    while the lead does not. ``lead_complete`` is None where the lead has reported nothing."""
    if lead_complete is None:
        return finds_complete
    return finds_complete != lead_complete


class ExternalReview(models.Model):
    """A review of the plan by someone outside the council's own line of reporting: an
    inspection monitoring visit, a DfE adviser's or commissioner's assessment, peer challenge,
    an external assurer, internal audit. It judges in its own words and on its own scale
    (``scale``: its judgements, worst first, each with the band it counts as; decision 0018)."""

    class Kind(models.TextChoices):
        MONITORING_VISIT = "monitoring_visit", _("Inspection monitoring visit")
        DFE_ASSESSMENT = "dfe_assessment", _("DfE adviser or commissioner assessment")
        PEER_CHALLENGE = "peer_challenge", _("Peer challenge")
        EXTERNAL_ASSURER = "external_assurer", _("External assurer")
        INTERNAL_AUDIT = "internal_audit", _("Internal audit")

    class Band(models.TextChoices):
        """What a judgement counts as beside the lead's RAG: only "met" counts as complete."""

        NOT_MET = "not_met", _("Not met")
        PARTLY_MET = "partly_met", _("Partly met")
        MET = "met", _("Met")

    BAND_COLOURS = {Band.NOT_MET: "red", Band.PARTLY_MET: "orange", Band.MET: "green"}  # GOV.UK tag colours

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="external_reviews")
    kind = models.CharField(verbose_name=_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(verbose_name=_("title"),
                             max_length=300, help_text=_('For example "Ofsted monitoring visit 3".'))
    date = models.DateField(verbose_name=_("date"), help_text=_("The day of the visit or assessment."))
    reviewer_organisation = models.CharField(verbose_name=_("reviewer organisation"),
                                             max_length=200, help_text=_('For example "Ofsted" or "LGA".'))
    source = models.ForeignKey("improvement.Source", verbose_name=_("source"),
                               on_delete=models.PROTECT, related_name="external_reviews",
                               help_text=_("The document the findings come from (a letter, a report)."))
    scale = models.JSONField(verbose_name=_("scale"),
                             help_text=_('Its judgements, worst first: [{"label": …, "band": …}].'))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-date", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("boards:external_review_detail", args=[self.pk])

    @property
    def labels(self) -> list[str]:
        return [point["label"] for point in self.scale]

    def band_of(self, judgement: str) -> str | None:
        return next((point["band"] for point in self.scale if point["label"] == judgement), None)

    def clean(self):
        if self.scale is not None:
            validate_scale(self.scale)
        if self.source_id and self.plan_id and self.source.plan_id != self.plan_id:
            raise ValidationError(_("The document must be one of this plan’s sources"))

    @transaction.atomic
    def record_finding(self, *, judgement: str, comment: str, by, recommendation=None, theme=None) -> "ExternalFinding":
        """The only door for a finding: checked against the review's plan and scale, then added.
        A finding is never changed: a correction is a later finding, and the earlier one stays."""
        finding = ExternalFinding(review=self, recommendation=recommendation, theme=theme, judgement=judgement,
                                  comment=comment.strip(), recorded_by=by)
        finding.full_clean()
        finding.save()
        return finding


def validate_scale(scale) -> None:
    """A scale is a non-empty list of distinct judgement labels, each with a known band."""
    bands = set(ExternalReview.Band.values)
    if not isinstance(scale, list) or not scale:
        raise ValidationError(_("Enter the review's scale: at least one judgement"))
    labels = []
    for point in scale:
        if not (isinstance(point, dict) and str(point.get("label", "")).strip()):
            raise ValidationError(_("Every judgement on the scale needs a label"))
        if point.get("band") not in bands:
            raise ValidationError(gettext("“%(label)s” needs a band: met, partly met or not met")
                                  % {"label": point["label"]})
        labels.append(point["label"].strip().casefold())
    if len(set(labels)) != len(labels):
        raise ValidationError(_("Each judgement on the scale must be different"))


class ExternalFindingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyFindingError("External findings are never changed: record a later finding instead.")

    def delete(self):
        raise AppendOnlyFindingError("External findings are never deleted.")

    def latest_first(self):
        return self.order_by("-review__date", "-recorded_at", "-pk")


class AppendOnlyFindingError(Exception):
    pass


class ExternalFinding(models.Model):
    """One review's judgement on one recommendation or one theme, in the review's own words,
    with its comment. Append-only: judgements others rely on are not rewritten; the latest (by
    the review's date, then as recorded) is the one shown beside the lead's and scrutiny's."""

    review = models.ForeignKey(ExternalReview, on_delete=models.PROTECT, related_name="findings")
    recommendation = models.ForeignKey(Recommendation, verbose_name=_("recommendation"),
                                       null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="external_findings")
    theme = models.ForeignKey("improvement.Theme", verbose_name=_("theme"),
                              null=True, blank=True, on_delete=models.PROTECT,
                              related_name="external_findings")
    judgement = models.CharField(verbose_name=_("judgement"), max_length=100)
    comment = models.TextField(verbose_name=_("comment"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ExternalFindingQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation__isnull=False, theme__isnull=True)
                | Q(recommendation__isnull=True, theme__isnull=False),
                name="external_finding_on_recommendation_or_theme",
            )
        ]
        indexes = [
            # The assurance view's latest finding per recommendation and per theme of a plan.
            models.Index(fields=["recommendation", "recorded_at"], name="finding_recommendation_idx"),
            models.Index(fields=["theme", "recorded_at"], name="finding_theme_idx"),
        ]

    def __str__(self):
        return f"{self.subject}: {self.judgement}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyFindingError("External findings are never changed: record a later finding instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyFindingError("External findings are never deleted.")

    @property
    def subject(self):
        return self.recommendation or self.theme

    @property
    def band(self) -> str | None:
        return self.review.band_of(self.judgement)

    @property
    def band_label(self) -> str:
        return ExternalReview.Band(self.band).label if self.band else ""

    @property
    def colour(self) -> str:
        return ExternalReview.BAND_COLOURS.get(self.band, "grey")

    def clean(self):
        if (self.recommendation_id is None) == (self.theme_id is None):
            raise ValidationError(_("Choose a recommendation or a theme for the finding, not both"))
        plan_id = self.review.plan_id
        if self.recommendation_id is not None and self.recommendation.source.plan_id != plan_id:
            raise ValidationError({"recommendation": gettext(
                "Recommendation %(recommendation)s is not one of this plan’s: choose one of %(plan)s’s "
                "recommendations") % {"recommendation": self.recommendation, "plan": self.review.plan}})
        if self.theme_id is not None and self.theme.plan_id != plan_id:
            raise ValidationError({"theme": gettext(
                "Theme %(theme)s is not one of this plan’s: choose one of %(plan)s’s themes")
                % {"theme": self.theme, "plan": self.review.plan}})
        if self.judgement not in self.review.labels:
            raise ValidationError({"judgement": gettext(
                "“%(judgement)s” is not on this review’s scale: choose one of %(labels)s")
                % {"judgement": self.judgement, "labels": ", ".join(self.review.labels)}})

    def disagrees_with(self, lead_complete: bool | None) -> bool:
        return disagrees(self.band == ExternalReview.Band.MET, lead_complete)
# --- Offline workbooks ------------------------------------------------------------------


class WorkbookUpload(models.Model):
    """A lead's offline workbook (``boards.workbook``) uploaded back for a round, between the
    preview and its confirmation: nothing is recorded until the uploader confirms, and then each
    valid row once, through ``Action.record_update()``."""

    round = models.ForeignKey(UpdateRound, on_delete=models.CASCADE, related_name="workbook_uploads")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recorded_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The lead whose answers a plan manager uploads on their behalf."))
    filename = models.CharField(max_length=200)
    sheets = models.JSONField(editable=False, help_text="The file as read at upload (readers.sheets_to_json).")
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True, help_text=_("What confirming recorded and refused."))

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Workbook {self.filename} for {self.round}"

    def get_absolute_url(self):
        return reverse("boards:workbook_upload_detail", args=[self.pk])

    def read_sheets(self):
        from improvement.importing.readers import sheets_from_json

        return sheets_from_json(self.sheets)
