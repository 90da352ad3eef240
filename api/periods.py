"""The period view's counts for many plans and periods at once, for the API.

The same stored rows (``ReportedAction``) and the same rules (``PeriodView``'s conditions for
open, missing update, new, improved, declined and unchanged) as every page reads, grouped in one
query over every plan and period asked for instead of one view at a time, so an answer costs
the same whatever the number of actions, plans or periods. Periods are those the rows cover
(from a plan's first update, or its current period, to its current period). Overdue in a
period is judged as at the period's last day, or today for the period that holds today: what
was overdue then, not what is overdue now.
"""

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncMonth

from improvement.clock import today
from improvement.models import ReportedAction
from improvement.reporting import PeriodView, ensure_rows


def period_rows(plans, period=None):
    """The stored rows of ``plans`` (for ``period`` only, if given), each with ``due``; the
    plans' rows are checked complete first, as the period view does before it answers."""
    for plan in plans:
        ensure_rows(plan, period or plan.current_period)
    rows = ReportedAction.objects.filter(plan__in=[plan.pk for plan in plans])
    if period is not None:
        rows = rows.filter(period=period)
    return rows.annotate(due=Coalesce("revised_due_date", "action__due_date"), due_month=TruncMonth(
        Coalesce("revised_due_date", "action__due_date")))


def overdue_q() -> Q:
    day = today()
    this_month = day.replace(day=1)
    return PeriodView.OPEN & (Q(period__lt=this_month, due_month__lte=F("period"))
                              | Q(period__gte=this_month, due__lt=day))


def summaries(rows):
    """One row per plan and period: actions, overdue, missing update and movement."""
    return rows.values("plan_id", "period").annotate(
        actions=Count("pk"),
        overdue=Count("pk", filter=overdue_q()),
        missing_update=Count("pk", filter=PeriodView.MISSING),
        new=Count("pk", filter=PeriodView.NEW),
        improved=Count("pk", filter=PeriodView.IMPROVED),
        declined=Count("pk", filter=PeriodView.DECLINED),
        unchanged=Count("pk", filter=PeriodView.UNCHANGED),
    ).order_by("plan_id", "period")


def status_counts(rows):
    """One row per plan, period, theme and reported status (none: nothing reported yet)."""
    return (rows.values("plan_id", "period", "action__theme_id", "status_id").annotate(actions=Count("pk"))
            .order_by("plan_id", "period", "action__theme_id", "status_id"))
