"""The read API (``/api/v1/``): JSON tables, paginated, filterable by plan and period, and the same
tables as flat CSV feeds (``/api/v1/<table>.csv``, every row, no pages).

Every answer reads through ``api.access.token_plans``: what the token's owner may read
(``improvement.access.visible_plans``) within the token's plans. A plan outside that, asked for
by id or as a filter, is a 404, as a plan someone may not read is on the pages.
"""

import datetime
import re

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer

from boards.models import Assessment, Meeting
from improvement.lib.spreadsheets import csv_lines
from improvement.models import Action, Measure, MeasureValue, RagStatus, Theme, Update

from . import periods
from . import serializers as tables
from .access import token_plans
from .authentication import ApiTokenAuthentication
from .serializers import PERIOD_PATTERN


class Pagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


_PERIOD = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)

PLAN_PARAMETER = OpenApiParameter(
    "plan", {"type": "integer", "minimum": 1}, description="Only this plan's rows (a plan id from /api/v1/plans/).")
PERIOD_PARAMETER = OpenApiParameter(
    "period", OpenApiTypes.STR, pattern=PERIOD_PATTERN,
    description="Only this reporting period, as YYYY-MM (for example 2012-12).")

_detail = inline_serializer("Error", {"detail": serializers.CharField()})
ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="A filter that cannot be read, or a token in the "
                         "address: the answer says what to fix."),
    401: OpenApiResponse(_detail, description="No usable token in the Authorization header (missing, unknown, "
                         "revoked or expired: the answer does not say which)."),
    404: OpenApiResponse(_detail, description="Not found, or outside what the token may read."),
}


def parse_plan(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise exceptions.ValidationError(
            {"plan": [_("Enter a plan id (a whole number such as 12), not “%(value)s”.") % {"value": value[:40]}]})
    return int(value)


def parse_period(value: str) -> datetime.date:
    match = _PERIOD.match(value)
    try:
        if match is None:
            raise ValueError
        return datetime.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise exceptions.ValidationError(
            {"period": [_("Enter a period as YYYY-MM (for example 2012-12), not “%(value)s”.") % {"value": value[:40]}]}
        ) from None


class TokenView(generics.GenericAPIView):
    """Authenticated by an API token alone; JSON only; read only."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    pagination_class = Pagination

    def plans(self):
        """The plans this request may read, narrowed to ``?plan=`` (a 404 if outside them)."""
        plans = token_plans(self.request.auth)
        value = self.request.query_params.get("plan")
        if value is not None:
            plans = plans.filter(pk=parse_plan(value))
            if not plans.exists():
                raise exceptions.NotFound(_("No such plan."))
        return plans

    def period(self) -> datetime.date | None:
        value = self.request.query_params.get("period")
        return None if value is None else parse_period(value)


class TableView(TokenView, generics.ListAPIView):
    """A list of rows, paginated in JSON; every row, streamed, as a CSV feed (``csv=True``)."""

    csv = False
    feed_name = ""  # the feed's file name

    def list(self, request, *args, **kwargs):
        if not self.csv:
            return super().list(request, *args, **kwargs)
        rows = self.get_queryset()
        serializer = self.get_serializer_class()(context=self.get_serializer_context())
        header = list(serializer.fields)
        items = rows.iterator(chunk_size=1000) if hasattr(rows, "iterator") else rows

        def values():
            for item in items:
                data = serializer.to_representation(item)
                yield [data[name] for name in header]

        response = StreamingHttpResponse(csv_lines(header, values()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(self.feed_name)}.csv"'
        return response


PAGES = ("Pages of 100 rows (page_size up to 1000); `next` is the address of the next page, null on the last. "
         "The same rows, every one on one sheet, as CSV: the same address with .csv in place of the last /.")


def table(serializer, *, filters=("plan",), summary: str):
    """The schema of a table's GET: its filters, its rows (paginated) and its errors."""
    parameters = {"plan": PLAN_PARAMETER, "period": PERIOD_PARAMETER}
    return extend_schema(summary=summary, description=f"{summary}. {PAGES}",
                         parameters=[parameters[name] for name in filters],
                         responses={200: serializer(many=True), **ERRORS})


class PlanList(TableView):
    serializer_class = tables.PlanSerializer
    feed_name = "plans"

    @table(tables.PlanSerializer, summary="The plans the token may read")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.plans().select_related("organisation", "rag_scheme").order_by("name", "pk")


class PlanDetail(TokenView, generics.RetrieveAPIView):
    serializer_class = tables.PlanSerializer

    @extend_schema(summary="One plan", responses={200: tables.PlanSerializer, 401: ERRORS[401], 404: ERRORS[404]})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(token_plans(self.request.auth).select_related("organisation", "rag_scheme"),
                                 pk=self.kwargs["pk"])


class ThemeList(TableView):
    serializer_class = tables.ThemeSerializer
    feed_name = "themes"

    @table(tables.ThemeSerializer, summary="The plans' themes")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (Theme.objects.filter(plan__in=self.plans()).select_related("lead")
                .order_by("plan_id", "position", "pk"))


class ActionList(TableView):
    serializer_class = tables.ActionSerializer
    feed_name = "actions"

    @table(tables.ActionSerializer, summary="The plans' actions, with their current status")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (Action.objects.filter(plan__in=self.plans()).select_related("objective", "current_status")
                .prefetch_related(Prefetch("lead_posts", to_attr="leads")).order_by("plan_id", "number_sort", "pk"))


class UpdateList(TableView):
    serializer_class = tables.UpdateSerializer
    feed_name = "updates"

    @table(tables.UpdateSerializer, filters=("plan", "period"),
           summary="The RAG history: every update recorded, oldest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        updates = Update.objects.filter(action__plan__in=self.plans())
        if (period := self.period()) is not None:
            updates = updates.filter(period=period)
        return (updates.select_related("action", "status", "created_by")
                .order_by("action__plan_id", "action__number_sort", "action_id", "period", "pk"))


class PeriodSummaryList(TableView):
    serializer_class = tables.PeriodSummarySerializer
    feed_name = "period-summaries"

    @table(tables.PeriodSummarySerializer, filters=("plan", "period"),
           summary="The period view per plan and period: overdue, missing, movement")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return periods.summaries(periods.period_rows(list(self.plans()), self.period()))


class PeriodCountList(TableView):
    serializer_class = tables.PeriodCountSerializer
    feed_name = "period-counts"

    @table(tables.PeriodCountSerializer, filters=("plan", "period"),
           summary="The period view's counts per plan, period, theme and status")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        plans = list(self.plans().select_related("rag_scheme"))
        self.statuses = {status.pk: status for status in
                         RagStatus.objects.filter(scheme_id__in={plan.rag_scheme_id for plan in plans})}
        return periods.status_counts(periods.period_rows(plans, self.period()))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "statuses": getattr(self, "statuses", {})}


def in_month(prefix: str, period: datetime.date) -> dict:
    return {f"{prefix}__year": period.year, f"{prefix}__month": period.month}


class MeetingList(TableView):
    serializer_class = tables.MeetingSerializer
    feed_name = "meetings"

    @table(tables.MeetingSerializer, filters=("plan", "period"),
           summary="Board meetings (period: those held in that month)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        meetings = Meeting.objects.filter(plan__in=self.plans())
        if (period := self.period()) is not None:
            meetings = meetings.filter(**in_month("date", period))
        return meetings.select_related("board", "round").order_by("plan_id", "date", "pk")


class AttentionList(TableView):
    serializer_class = tables.AttentionSerializer
    feed_name = "attention"

    @extend_schema(summary="A meeting's attention list, most serious first",
                   responses={200: tables.AttentionSerializer(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        meeting = get_object_or_404(
            Meeting.objects.filter(plan__in=token_plans(self.request.auth))
            .select_related("board", "plan__rag_scheme", "round__plan__rag_scheme"), pk=self.kwargs["pk"])
        return [{"meeting": meeting.pk, "rank": rank, "entry": entry}
                for rank, entry in enumerate(meeting.attention_list(), 1)]


class AssessmentList(TableView):
    serializer_class = tables.AssessmentSerializer
    feed_name = "scrutiny-conclusions"

    @table(tables.AssessmentSerializer, filters=("plan", "period"),
           summary="Scrutiny conclusions (period: of reviews dated in that month)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        assessments = Assessment.objects.filter(review__plan__in=self.plans())
        if (period := self.period()) is not None:
            assessments = assessments.filter(**in_month("review__date", period))
        return (assessments.select_related("review", "recommendation")
                .prefetch_related(Prefetch("actions", queryset=Action.objects.order_by("number_sort")))
                .order_by("review__plan_id", "review__date", "review_id", "number_sort", "pk"))


class MeasureList(TableView):
    serializer_class = tables.MeasureSerializer
    feed_name = "measures"

    @table(tables.MeasureSerializer, summary="The plans' measures (performance indicators)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (Measure.objects.filter(plan__in=self.plans()).select_related("owner")
                .order_by("plan_id", "position", "name", "pk"))


class MeasureValueList(TableView):
    serializer_class = tables.MeasureValueSerializer
    feed_name = "measure-values"

    @table(tables.MeasureValueSerializer, filters=("plan", "period"),
           summary="Measures' values: the one that counts for each period, with its target and computed RAG")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        values = MeasureValue.objects.reporting().filter(measure__plan__in=self.plans())
        if (period := self.period()) is not None:
            values = values.filter(period=period)
        return (values.select_related("measure").prefetch_related("measure__targets")
                .order_by("measure__plan_id", "measure_id", "period", "pk"))
