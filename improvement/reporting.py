"""The period view: the one definition of an action as reported for a period, judged as of a
date.

For a plan, a period and an "as of" date it answers each action's reported status, whether it
is overdue and whether its update is missing, how it moved since the period before, and the
counts per theme and for the plan. It reads stored rows (``ReportedAction``, derived from the
RAG history and kept right by ``Action.record_update()``; decision 0012), never the history
itself, so a page costs what it shows. The boards app gives a closed round's view from the rows
it fixed when the round closed (``UpdateRound.period_view``), through the same class.

It answers for measures too (``PeriodView.measure_readings``): each measure's value counted for
the period (the latest value recorded for it, or for the nearest period before it), the target
and RAG that value is judged by, the direction of travel, and whether this period's value is
missing. Those are read from the values themselves (a plan has tens of measures with a value a
month, not hundreds of actions with a history each).

Which date each report judges "overdue" by: the plan page, dashboard, action table, My actions,
round status and RAG summary judge by today (``improvement.clock.today``); a meeting's
attention list and its board pack by the meeting's date; a scrutiny summary by the review's
date.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from . import measures as rules
from .clock import today
from .models import (
    Action,
    ComparatorValue,
    Measure,
    MeasureValue,
    Movement,
    RagStatus,
    ReportedAction,
    StatusSummary,
    add_months,
    period_label,
)


@dataclass
class Counts:
    """What the view counts: per theme {status id or None: actions}, and for the plan the
    overdue, missing-update and movement counts."""

    by_theme: dict[int, dict] = field(default_factory=dict)
    overdue: int = 0
    missing: int = 0
    movement: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        (Movement.IMPROVED, Movement.DECLINED, Movement.UNCHANGED, Movement.NEW), 0))

    @property
    def by_status(self) -> dict:
        overall: dict = {}
        for counts in self.by_theme.values():
            for key, count in counts.items():
                overall[key] = overall.get(key, 0) + count
        return overall

    @property
    def total(self) -> int:
        return sum(sum(counts.values()) for counts in self.by_theme.values())


class PeriodView:
    """A plan's actions as reported for ``period``, judged as of ``as_of``.

    ``rows`` is a queryset of stored rows (the core's ``ReportedAction`` of the plan and period,
    or a closed round's). Counts come from one grouped query; ``entries()`` loads the rows
    themselves, with their actions, for lists.
    """

    def __init__(self, plan, period: datetime.date, as_of: datetime.date, rows=None, *, fixed: bool = False):
        self.plan = plan
        self.period = period
        self.as_of = as_of
        self._rows = rows  # None: the plan's stored rows, found (and rebuilt if missing) when first asked
        self.fixed = fixed  # a closed round's: the updates that count were fixed when it closed
        self._counts = None
        self._statuses = None
        self._before_history = False
        self._carried_from = None

    @classmethod
    def of_plan(cls, plan, period: datetime.date | None = None, as_of: datetime.date | None = None) -> "PeriodView":
        """The plan's view from its whole RAG history (rebuilt first if its rows are missing).
        Its stored rows are looked for when first needed: a page that asks only for measures
        does not count them."""
        return cls(plan, period or plan.current_period, as_of or today())

    @property
    def rows(self):
        if self._rows is None:
            stored = ensure_rows(self.plan, self.period)
            self._before_history = stored is None
            self._carried_from = stored if stored is not None and stored != self.period else None
            self._rows = (ReportedAction.objects.filter(plan=self.plan, period=stored) if stored
                          else ReportedAction.objects.none())
        return self._rows

    @property
    def before_history(self) -> bool:
        """The period comes before anything the plan reported: no statuses."""
        self.rows  # noqa: B018 - finds the rows, which says
        return self._before_history

    @property
    def carried_from(self) -> datetime.date | None:
        """The period comes after the rows' last: that period's statuses, carried."""
        self.rows  # noqa: B018 - finds the rows, which says
        return self._carried_from

    @property
    def label(self) -> str:
        return period_label(self.period)

    @property
    def previous_label(self) -> str:
        return period_label(add_months(self.period, -1))

    @property
    def statuses(self) -> list:
        if self._statuses is None:
            self._statuses = list(self.plan.rag_scheme.statuses.order_by("position"))
        return self._statuses

    # --- counts ----------------------------------------------------------------------------

    @property
    def counts(self) -> Counts:
        if self._counts is None:
            self._counts = self._count()
        return self._counts

    # The rules as conditions on the stored rows (``Reported`` says them for one row), for counts
    # and for reading only the rows a list shows. They need ``with_due()``'s annotation.
    OPEN = ~Q(status__is_complete=True)
    MISSING = OPEN & Q(update__isnull=True)
    NEW = Q(status__isnull=False, previous_status__isnull=True)
    IMPROVED = Q(status__severity__lt=F("previous_status__severity"))
    DECLINED = Q(status__severity__gt=F("previous_status__severity"))
    UNCHANGED = Q(status__severity=F("previous_status__severity"))

    def overdue_q(self) -> Q:
        return self.OPEN & Q(due__lt=self.as_of)

    def with_due(self, rows):
        """The rows with ``due``: the due date as revised by the end of the period."""
        return rows.annotate(due=Coalesce("revised_due_date", "action__due_date"))

    def _count(self) -> Counts:
        # The action's plan as well as the row's: the counts join the actions (for their themes),
        # and without it PostgreSQL reads every plan's actions to join 300 of them. Only here: in
        # the lists' nested subqueries the extra join let PostgreSQL, without statistics (a new
        # or restored database), choose nested loops that ran for minutes.
        grouped = (
            self.with_due(self.rows.filter(action__plan=self.plan)).values("action__theme_id", "status_id").annotate(
                n=Count("pk"),
                overdue=Count("pk", filter=self.overdue_q()),
                missing=Count("pk", filter=self.MISSING),
                new=Count("pk", filter=self.NEW),
                improved=Count("pk", filter=self.IMPROVED),
                declined=Count("pk", filter=self.DECLINED),
                unchanged=Count("pk", filter=self.UNCHANGED),
            ).order_by()
        )
        counts = Counts()
        for row in grouped:
            counts.by_theme.setdefault(row["action__theme_id"], {})[row["status_id"]] = row["n"]
            if self.carried_from is not None:
                continue  # a later period than the rows: no update in it, nothing moved
            counts.overdue += row["overdue"]
            counts.missing += row["missing"]
            for kind in counts.movement:
                counts.movement[kind] += row[kind]
        if self.carried_from is not None:
            counts.overdue, counts.missing = self._carried_counts()
            counts.movement[Movement.UNCHANGED] = sum(
                n for key, n in counts.by_status.items() if key is not None)
        elif self.before_history:
            actions = Action.objects.filter(plan=self.plan)
            for theme_id, n in actions.values_list("theme_id").annotate(n=Count("pk")).order_by():
                counts.by_theme[theme_id] = {None: n}
            counts.missing = sum(counts.by_status.values())
            counts.overdue = actions.with_effective_due_date().filter(due_as_revised__lt=self.as_of).count()
        return counts

    def _carried_counts(self) -> tuple[int, int]:
        open_rows = self.with_due(self.rows).filter(self.OPEN)
        return open_rows.filter(due__lt=self.as_of).count(), open_rows.count()

    @property
    def summary(self) -> StatusSummary:
        """The plan's RAG counts in the scheme's order (with "no update yet" when any)."""
        return StatusSummary.build(self.statuses, self.counts.by_status)

    def theme_summaries(self, *, include_none: bool | None = None) -> dict[int, StatusSummary]:
        """{theme id: its RAG counts}; ``include_none`` lines them up with a plan that has
        actions with no update yet."""
        return {theme_id: StatusSummary.build(self.statuses, counts, include_none=include_none)
                for theme_id, counts in self.counts.by_theme.items()}

    @property
    def overdue_count(self) -> int:
        return self.counts.overdue

    @property
    def missing_count(self) -> int:
        return self.counts.missing

    @property
    def movement(self) -> dict[str, int]:
        return self.counts.movement

    # --- entries ---------------------------------------------------------------------------

    def entries(self, actions=None, *, with_updates: bool = True) -> list:
        """Each action as reported (its stored row, with ``action`` loaded and ``overdue`` judged
        as of the view's date), in plan order: theme, then number. ``actions`` narrows and
        prefetches: a queryset of the plan's actions (select_related and prefetch_related of its
        own are kept). ``with_updates`` loads the update that counts (for its note; not its
        author, which no list of entries shows and which cost a user model a row)."""
        actions = actions if actions is not None else Action.objects.filter(plan=self.plan)
        rows = self.rows.filter(action__in=actions.values("pk"))
        if with_updates:
            rows = rows.select_related("update")
        rows = {} if self.before_history else {row.action_id: row for row in rows}
        self._attach_statuses(rows.values())
        actions = list(actions.order_by("theme__position", "theme_id", "position", "number_sort"))
        result = []
        for action in actions:
            row = rows.get(action.pk)
            if row is None or self.carried_from is not None:
                row = self._carried(row, action)
            row.action = action
            row.overdue = row.is_overdue(self.as_of)
            result.append(row)
        return result

    def flagged_entries(self, actions=None, *, also=(), with_updates: bool = True) -> list:
        """The entries of the actions the board's rules flag (a status needing the board's
        attention, overdue, missing update, declined since the period before) and of the action
        ids in ``also``, reading only those rows; a superset of them where the period lies
        outside the rows (the caller applies the rules to each entry)."""
        actions = actions if actions is not None else Action.objects.filter(plan=self.plan)
        if self.before_history or self.carried_from is not None:
            return self.entries(actions, with_updates=with_updates)
        # The flagged ids are read first, in a query of their own: as a subquery of the entries'
        # two queries the rules were evaluated twice. As in ``_count()``, the action's plan too,
        # so PostgreSQL joins the plan's actions (for their due dates), not every plan's.
        flagged = self.with_due(self.rows.filter(action__plan=self.plan)).filter(
            Q(status__needs_board_attention=True) | self.overdue_q() | self.MISSING | self.DECLINED)
        ids = {*flagged.values_list("action_id", flat=True), *also}
        return self.entries(actions.filter(pk__in=ids), with_updates=with_updates)

    def _attach_statuses(self, rows) -> None:
        """Each row's status and previous status from the scheme's statuses, already read (a
        join per row would load the same few statuses hundreds of times); a status of another
        scheme, should a row hold one, is read with the rest in one query."""
        rows = list(rows)
        if not rows:
            return
        known = {status.pk: status for status in self.statuses}
        others = {pk for row in rows for pk in (row.status_id, row.previous_status_id)
                  if pk is not None and pk not in known}
        if others:
            known.update((status.pk, status) for status in RagStatus.objects.filter(pk__in=others))
        for row in rows:
            row.status = known.get(row.status_id)
            row.previous_status = known.get(row.previous_status_id)

    def _carried(self, stored, action):
        """The row of a period the rows do not reach: before the history (nothing reported) or
        after it (the last period's status, no update in this one)."""
        if stored is None:
            return ReportedAction(plan=self.plan, action_id=action.pk, period=self.period)
        return ReportedAction(plan=self.plan, action_id=action.pk, period=self.period, status=stored.status,
                              previous_status=stored.status, revised_due_date=stored.revised_due_date)

    def by_action(self, actions=None) -> dict[int, object]:
        return {entry.action.pk: entry for entry in self.entries(actions)}


    # --- measures --------------------------------------------------------------------------

    def measure_readings(self, measures=None) -> list["MeasureReading"]:
        """Each measure of the plan (or of ``measures``: a queryset of them, or a list of measures
        already read, with their owners and ``Measure.attach_trajectories``) as it reads for the
        view's period, judged as of its date: values recorded after that day are not yet known.
        Four queries whatever the number of measures (two for a list)."""
        if not isinstance(measures, list):
            measures = measures if measures is not None else Measure.objects.filter(plan=self.plan)
            measures = list(measures.select_related("owner").order_by("position", "name", "pk"))
            Measure.attach_trajectories(measures)
        ids = [m.pk for m in measures]
        series: dict[int, list] = {pk: [] for pk in ids}
        as_of = self._values_as_of()
        values = MeasureValue.objects.filter(measure_id__in=ids, period__lte=self.period).reporting_list(as_of=as_of)
        for value in values:
            series[value.measure_id].append(value)
        comparators: dict[tuple, dict] = {}
        for comparator in ComparatorValue.objects.filter(measure_id__in=ids, period__lte=self.period):
            comparators.setdefault((comparator.measure_id, comparator.period), {})[comparator.comparator] = comparator
        return [MeasureReading.of(measure, series[measure.pk], self.period, comparators) for measure in measures]

    def missing_measure_values(self, measures=None) -> list:
        """The measures that expect a value for the view's period and have none (as of its
        date), as readings: only those measures' values are read."""
        measures = measures if measures is not None else Measure.objects.filter(plan=self.plan)
        expecting = [pk for pk, frequency in measures.values_list("pk", "frequency")
                     if self.period.month in Measure.EXPECTED_MONTHS[frequency]]
        if not expecting:
            return []
        recorded = MeasureValue.objects.filter(measure_id__in=expecting, period=self.period)
        as_of = self._values_as_of()
        if as_of is not None:
            recorded = recorded.filter(recorded_at__date__lte=as_of)
        missing = set(expecting).difference(recorded.values_list("measure_id", flat=True))
        if not missing:
            return []
        return [reading for reading in self.measure_readings(Measure.objects.filter(pk__in=missing))
                if reading.is_missing]

    def _values_as_of(self) -> datetime.date | None:
        """The day after which recorded values are not yet known, or None for all of them."""
        # Judged as of today, every value recorded counts: on a demo site "today" is a date years
        # before the values' real timestamps (clock.SITE_AS_AT), and a value just recorded must show.
        return self.as_of if self.as_of < today() else None


@dataclass
class MeasureReading:
    """A measure as it reads for a period: the value counted (the latest for the period, else
    for the nearest period before it), the target it is judged against, its RAG, its direction
    of travel since the value before, and the values up to then (for trend lines)."""

    measure: object
    period: datetime.date
    value: object  # the value counted (a models.CountedValue), or None
    target: object
    rag: rules.Rag
    direction: rules.Direction
    series: list
    comparators: dict
    is_missing: bool

    @classmethod
    def of(cls, measure, series: list, period: datetime.date, comparators: dict) -> "MeasureReading":
        value = series[-1] if series else None
        earlier = series[-2] if len(series) > 1 else None
        target = measure.target_for(value.period if value else period)
        return cls(
            measure=measure, period=period, value=value, target=target,
            rag=rules.rag_of(value.value if value else None, target, tolerance=measure.tolerance,
                             polarity=measure.polarity),
            direction=rules.direction_of((earlier.period, earlier.value) if earlier else None,
                                         (value.period, value.value) if value else None,
                                         polarity=measure.polarity, unit=measure.unit),
            series=series,
            comparators=comparators.get((measure.pk, value.period), {}) if value else {},
            is_missing=measure.expects_value_in(period) and not (value and value.period == period),
        )

    @property
    def is_off_target(self) -> bool:
        return self.rag == rules.OFF_TARGET

    @property
    def value_text(self) -> str:
        return self.measure.format(self.value.value) if self.value else gettext("No value yet")

    @property
    def target_text(self) -> str:
        return self.measure.format(self.target) if self.target is not None else gettext("No target set")

    @property
    def is_stale(self) -> bool:
        """The value counted is from a period before the view's."""
        return self.value is not None and self.value.period != self.period


def ensure_rows(plan, period: datetime.date) -> datetime.date | None:
    """The period whose stored rows answer for ``period``: itself when the plan's rows for it are
    all there (rebuilt first when some are missing, e.g. after a restore), the rows' last period
    when ``period`` is later than any, None when it is earlier than any (nothing reported yet)."""
    expected = Action.objects.filter(plan=plan).count()
    found = ReportedAction.objects.filter(plan=plan, period=period).count()
    if found == expected:
        return period
    first, last = ReportedAction.objects.span(plan)
    outside = first is not None and not first <= period <= last and not found
    if not outside:
        ReportedAction.objects.rebuild(plan)
        first, last = ReportedAction.objects.span(plan)
    if first is None or period < first:
        return None
    return min(period, last)


def status_summaries_by_period(plan, periods: list[datetime.date], *, view: PeriodView | None = None
                               ) -> dict[datetime.date, StatusSummary]:
    """The plan's RAG summary as reported for each period (actions with nothing reported by
    then are left out), from the stored rows in one query; ``view`` gives its own period's
    counts, so a closed round's trend ends with what the round fixed."""
    ensure_rows(plan, max(periods))
    statuses = list(plan.rag_scheme.statuses.order_by("position"))
    counts: dict[datetime.date, dict] = {period: {} for period in periods}
    rows = (ReportedAction.objects.filter(plan=plan, period__in=periods, status__isnull=False)
            .values_list("period", "status_id").annotate(n=Count("pk")).order_by())
    for period, status_id, n in rows:
        counts[period][status_id] = n
    if view is not None and view.period in counts:
        counts[view.period] = {key: n for key, n in view.counts.by_status.items() if key is not None}
    return {period: StatusSummary.build(statuses, counts[period]) for period in periods}


# Other apps that keep rows of their own derived from the history (the boards app: a closed
# round's view of its period) register a function ``plan -> rows written`` here, so that
# ``rebuild(plan)`` and ``manage.py rebuild_period_view`` rebuild theirs too.
period_rebuilders: list = []


def register_rebuilder(rebuild):
    period_rebuilders.append(rebuild)
    return rebuild


def rebuild(plan) -> int:
    """Rebuild every stored row derived from the plan's history, in one transaction: the core's,
    then each registered app's. Idempotent. Returns the number of rows written."""
    with transaction.atomic():
        written = ReportedAction.objects.rebuild(plan)
        for rebuild_rows in period_rebuilders:
            written += rebuild_rows(plan)
    return written
