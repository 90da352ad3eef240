"""One flat serializer per table: the same fields in JSON and in the CSV feed, so a Power BI
model built on either reads the same columns. Read-only: the API changes nothing."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from improvement.models import period_label

# A reporting period, as the API writes it and as the period filter reads it.
PERIOD_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"


@extend_schema_field({"type": "string", "pattern": PERIOD_PATTERN, "example": "2012-12"})
class PeriodField(serializers.Field):
    """A reporting period as ``YYYY-MM``, as the ``period`` filter takes it."""

    def to_representation(self, value):
        return f"{value:%Y-%m}" if value else None


@extend_schema_field({"type": "string", "pattern": PERIOD_PATTERN, "example": "2012-12", "nullable": True})
class OptionalPeriodField(PeriodField):
    """A period that may be missing (a meeting without an update round)."""


class Table(serializers.Serializer):
    """A read-only row."""

    def create(self, validated_data):  # pragma: no cover - never written
        raise NotImplementedError

    def update(self, instance, validated_data):  # pragma: no cover - never written
        raise NotImplementedError


class PlanSerializer(Table):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    description = serializers.CharField()
    rag_scheme = serializers.CharField(source="rag_scheme.name")
    current_period = PeriodField()


class ThemeSerializer(Table):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    code = serializers.CharField()
    title = serializers.CharField()
    lead = serializers.CharField(source="lead.title", default=None, allow_null=True)
    outcomes = serializers.CharField()
    position = serializers.IntegerField()


class ActionSerializer(Table):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    theme = serializers.IntegerField(source="theme_id")
    objective = serializers.CharField(source="objective.code", default=None, allow_null=True)
    number = serializers.CharField()
    description = serializers.CharField()
    leads = serializers.SerializerMethodField()
    lead_agency = serializers.CharField()
    timescale = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    revised_due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField(source="current_status.code", default=None, allow_null=True)
    status_label = serializers.CharField(source="current_status.label", default=None, allow_null=True)
    last_updated_at = serializers.DateTimeField(allow_null=True)

    def get_leads(self, action) -> str:
        """The lead posts, separated by "; "."""
        return "; ".join(post.title for post in action.leads)


class UpdateSerializer(Table):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="action.plan_id")
    action = serializers.IntegerField(source="action_id")
    action_number = serializers.CharField(source="action.number")
    period = PeriodField()
    status = serializers.CharField(source="status.code")
    status_label = serializers.CharField(source="status.label")
    note = serializers.CharField()
    revised_due_date = serializers.DateField(allow_null=True)
    revised_date_reason = serializers.CharField()
    recorded_by = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField(source="created_at")

    def get_recorded_by(self, update) -> str | None:
        user = update.created_by
        return (user.get_full_name() or user.username) if user else None


class PeriodSummarySerializer(Table):
    plan = serializers.IntegerField(source="plan_id")
    period = PeriodField()
    period_label = serializers.SerializerMethodField()
    actions = serializers.IntegerField()
    overdue = serializers.IntegerField()
    missing_update = serializers.IntegerField()
    new = serializers.IntegerField()
    improved = serializers.IntegerField()
    declined = serializers.IntegerField()
    unchanged = serializers.IntegerField()

    def get_period_label(self, row) -> str:
        return period_label(row["period"])


class PeriodCountSerializer(Table):
    plan = serializers.IntegerField(source="plan_id")
    period = PeriodField()
    theme = serializers.IntegerField(source="action__theme_id")
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    actions = serializers.IntegerField()

    def _status(self, row):
        return self.context["statuses"].get(row["status_id"])

    def get_status(self, row) -> str | None:
        """The status code as reported; null where nothing is reported yet."""
        status = self._status(row)
        return status.code if status else None

    def get_status_label(self, row) -> str:
        status = self._status(row)
        return status.label if status else "No update yet"


class MeetingSerializer(Table):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    board = serializers.CharField(source="board.name")
    date = serializers.DateField()
    period = OptionalPeriodField(source="round.period", default=None, allow_null=True)
    round_closed = serializers.SerializerMethodField()

    def get_round_closed(self, meeting) -> bool:
        return meeting.round is not None and meeting.round.closed_at is not None


class AttentionSerializer(Table):
    meeting = serializers.IntegerField()
    rank = serializers.IntegerField()
    action = serializers.IntegerField(source="entry.action.pk")
    action_number = serializers.CharField(source="entry.action.number")
    status = serializers.CharField(source="entry.status.code", default=None, allow_null=True)
    status_label = serializers.CharField(source="entry.status.label", default=None, allow_null=True)
    kinds = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()

    def get_kinds(self, row) -> str:
        """Why it is listed, most serious first, separated by "; " (status, overdue, declined, added, missing)."""
        order = [str(kind) for kind in type(row["entry"]).Reason]
        return "; ".join(sorted((str(kind) for kind in row["entry"].kinds), key=order.index))

    def get_reasons(self, row) -> str:
        """The reasons as sentences, as the meeting page and the board pack show them, separated by "; "."""
        return "; ".join(row["entry"].reasons)


class AssessmentSerializer(Table):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="review.plan_id")
    review = serializers.IntegerField(source="review_id")
    review_title = serializers.CharField(source="review.title")
    review_date = serializers.DateField(source="review.date")
    number = serializers.CharField()
    group = serializers.CharField()
    requirement = serializers.CharField()
    recommendation = serializers.CharField(source="recommendation.reference", default=None, allow_null=True)
    actions = serializers.SerializerMethodField()
    conclusion = serializers.CharField()
    conclusion_label = serializers.CharField(source="get_conclusion_display")
    comment = serializers.CharField()
    assessed_at = serializers.DateTimeField()

    def get_actions(self, assessment) -> str:
        """The numbers of the actions it covers, separated by "; "."""
        return "; ".join(action.number for action in assessment.actions.all())


class MeasureSerializer(Table):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan_id")
    reference = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.CharField()
    polarity = serializers.CharField()
    frequency = serializers.CharField()
    owner = serializers.CharField(source="owner.title", default=None, allow_null=True)
    baseline_value = serializers.DecimalField(max_digits=16, decimal_places=4, coerce_to_string=False,
                                              allow_null=True)
    baseline_date = serializers.DateField(allow_null=True)
    tolerance = serializers.DecimalField(max_digits=16, decimal_places=4, coerce_to_string=False)


class MeasureValueSerializer(Table):
    id = serializers.IntegerField()
    plan = serializers.IntegerField(source="measure.plan_id")
    measure = serializers.IntegerField(source="measure_id")
    period = PeriodField()
    value = serializers.DecimalField(max_digits=16, decimal_places=4, coerce_to_string=False)
    target = serializers.SerializerMethodField()
    rag = serializers.SerializerMethodField()
    commentary = serializers.CharField()
    recorded_at = serializers.DateTimeField()

    def get_target(self, value) -> float | None:
        """The target the value is judged against (the trajectory on the period's last day)."""
        target = value.measure.target_for(value.period)
        return float(target) if target is not None else None

    def get_rag(self, value) -> str:
        """Computed from target and tolerance, never typed: on_target, within_tolerance, off_target or no_target."""
        return value.measure.rag_for(value.value, value.period).code
