"""Where board members and scrutiny officers land after signing in (rules for
improvement.landing): a chair or member on their board's next meeting, a scrutiny officer on
the reviews of the plan they last reviewed, an external reviewer on the Assurance tab of their plan."""

from django.urls import reverse

from improvement import landing
from improvement.clock import today
from improvement.models import PlanRole

from .access import MANAGING_ROLES
from .models import Board, BoardMember, Meeting, ScrutinyReview


@landing.landing_rule(landing.BOARD_MEMBER)
def _next_meeting(user):
    boards = BoardMember.objects.filter(
        user=user, role__in=(BoardMember.Role.CHAIR, BoardMember.Role.MEMBER)).values("board")
    meetings = Meeting.objects.filter(board__in=boards)
    meeting = (meetings.filter(date__gte=today()).order_by("date", "pk").first()
               or meetings.order_by("-date", "-pk").first())
    if meeting is not None:
        return meeting.get_absolute_url()
    board = Board.objects.filter(pk__in=boards).order_by("pk").first()
    return reverse("boards:board_detail", args=[board.pk]) if board else None


@landing.landing_rule(landing.SCRUTINY)
def _scrutiny_reviews(user):
    plans = PlanRole.objects.filter(user=user, role=PlanRole.Role.SCRUTINY).values("plan")
    panels = BoardMember.objects.filter(user=user, role__in=MANAGING_ROLES,
                                        board__kind=Board.Kind.SCRUTINY_PANEL).values("board")
    review = (ScrutinyReview.objects.filter(plan__in=plans) | ScrutinyReview.objects.filter(board__in=panels)) \
        .order_by("-date", "-pk").first()
    if review is not None:
        return reverse("boards:review_list", args=[review.plan_id])
    plan_id = PlanRole.objects.filter(user=user, role=PlanRole.Role.SCRUTINY).order_by("plan_id") \
        .values_list("plan_id", flat=True).first()
    return reverse("boards:review_list", args=[plan_id]) if plan_id else None


@landing.landing_rule(landing.MANAGER + 5)
def _external_reviewer(user):
    """An external reviewer lands on the Assurance tab of the plan they were last named on."""
    plan_id = (PlanRole.objects.filter(user=user, role=PlanRole.Role.EXTERNAL_REVIEWER).order_by("-pk")
               .values_list("plan_id", flat=True).first())
    return reverse("boards:assurance", args=[plan_id]) if plan_id else None
