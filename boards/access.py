"""Access rules for boards, meetings, challenge and scrutiny, extending improvement.access.

Board members of any role can read the plans their board oversees (registered below as a
plan-reader rule). Chairs, members and officers post review notes; officers and chairs manage
meetings; only an action's leads answer on its notes; scrutiny officers (the plan's, or the
officers and chair of the scrutiny panel) record assessments.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from improvement import access
from improvement.models import Action, PlanRole

from .models import (
    Board,
    BoardMember,
    ExternalReview,
    FollowUp,
    Meeting,
    ReviewNote,
    ScrutinyReview,
    UpdateRound,
    WorkbookUpload,
)

POSTING_ROLES = (BoardMember.Role.CHAIR, BoardMember.Role.MEMBER, BoardMember.Role.OFFICER)
MANAGING_ROLES = BoardMember.managing_roles()


@access.plan_readers
def _board_members(user) -> Q:
    boards = BoardMember.objects.filter(user=user).values("board_id")
    return Q(pk__in=Board.plans.through.objects.filter(board_id__in=boards).values("plan_id"))


def board_role(user, board) -> str | None:
    return (BoardMember.objects.filter(board=board, user=user)
            .values_list("role", flat=True).first())


def visible_boards(user):
    """Boards overseeing a plan the user may read, and boards they sit on."""
    if not user.is_authenticated:
        return Board.objects.none()
    if user.is_superuser:
        return Board.objects.all()
    plans = access.visible_plans(user).values("pk")
    return Board.objects.filter(Q(plans__in=plans) | Q(members__user=user)).distinct()


def get_board_or_404(user, pk) -> Board:
    return get_object_or_404(visible_boards(user), pk=pk)


def can_manage_board(user, board) -> bool:
    """The board's chair and officers (and administrators) maintain its members and plans."""
    return user.is_superuser or board_role(user, board) in MANAGING_ROLES


def require_can_manage_board(user, board) -> None:
    require(can_manage_board(user, board), _("Only the board's chair and officers can do that."))


def managed_boards(user):
    """The boards a user maintains (as chair or officer; all for an administrator)."""
    if not user.is_authenticated or not user.is_active:
        return Board.objects.none()
    if user.is_superuser:
        return Board.objects.all()
    return Board.objects.filter(members__user=user, members__role__in=MANAGING_ROLES).distinct()


def can_create_board(user) -> bool:
    """Any plan manager may set up a board to oversee plans they manage."""
    return access.managed_plans(user).exists()


def get_board_member_or_404(board, pk) -> BoardMember:
    return get_object_or_404(board.members.select_related("user__organisation"), pk=pk)


def get_meeting_or_404(user, pk) -> Meeting:
    meeting = access.get_readable_or_404(
        Meeting.objects.select_related("board", "plan__rag_scheme", "plan__organisation", "round"), user, pk)
    if meeting.round is not None and meeting.round.plan_id == meeting.plan_id:
        # The round's plan is the meeting's: one object, not a second join of the plan and its
        # scheme (PostgreSQL spent more planning that join than running it).
        meeting.round.plan = meeting.plan
    return meeting


def get_round_or_404(user, pk) -> UpdateRound:
    return access.get_readable_or_404(UpdateRound.objects.select_related("plan__organisation", "plan__rag_scheme"),
                                      user, pk)


def get_note_or_404(user, pk) -> ReviewNote:
    return get_object_or_404(
        ReviewNote.objects.filter(meeting__plan__in=access.visible_plans(user))
        .select_related("meeting__board", "meeting__plan__organisation", "action__plan", "author"),
        pk=pk,
    )


def get_review_or_404(user, pk) -> ScrutinyReview:
    return get_object_or_404(
        ScrutinyReview.objects.filter(plan__in=access.visible_plans(user))
        .select_related("board", "plan__rag_scheme", "plan__organisation"),
        pk=pk,
    )


def get_follow_up_or_404(user, pk) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.filter(meeting__plan__in=access.visible_plans(user)).select_related("meeting__board"), pk=pk)


def can_mark_follow_up_done(user, follow_up) -> bool:
    """Its owner, or the board's chair and officers."""
    return follow_up.owner_id == user.pk or can_manage_meetings(user, follow_up.meeting.board)


def can_manage_rounds(user, plan) -> bool:
    return access.can_manage_plan(user, plan)


def can_manage_meetings(user, board) -> bool:
    return user.is_superuser or board_role(user, board) in MANAGING_ROLES


def can_post_review_note(user, meeting) -> bool:
    return user.is_superuser or board_role(user, meeting.board) in POSTING_ROLES


def can_add_to_attention_list(user, meeting) -> bool:
    return can_post_review_note(user, meeting)


def can_answer_note(user, note) -> bool:
    """Only the action's leads answer on its thread (the board follows up by resolving or
    carrying the note forward, or with a new note)."""
    return access.leads_action(user, note.action)


def can_close_note(user, note) -> bool:
    """The note's author, or the board's chair or officers, resolve or carry it forward."""
    return (user.is_superuser or note.author_id == user.pk
            or board_role(user, note.meeting.board) in MANAGING_ROLES)


def can_record_assessment(user, review) -> bool:
    return (user.is_superuser
            or access.has_plan_role(user, review.plan, PlanRole.Role.SCRUTINY)
            or board_role(user, review.board) in MANAGING_ROLES)


def can_start_review(user, plan) -> bool:
    return (user.is_superuser or access.has_plan_role(user, plan, PlanRole.Role.SCRUTINY)
            or BoardMember.objects.filter(user=user, role__in=MANAGING_ROLES,
                                          board__kind=Board.Kind.SCRUTINY_PANEL,
                                          board__plans=plan).exists())


def can_record_findings(user, plan) -> bool:
    """External findings are recorded by the plan's external reviewers (named on it by its
    managers) and by its managers, who may enter a published letter's findings themselves. An
    external reviewer may do nothing else: their plan role only lets them read the plan."""
    return (user.is_superuser
            or access.has_plan_role(user, plan, PlanRole.Role.EXTERNAL_REVIEWER, PlanRole.Role.MANAGER))


def get_external_review_or_404(user, pk) -> ExternalReview:
    return get_object_or_404(
        ExternalReview.objects.filter(plan__in=access.visible_plans(user))
        .select_related("plan__rag_scheme", "plan__organisation", "source", "recorded_by"),
        pk=pk,
    )


NO_PERMISSION = _("You do not have permission to do that.")


def require(allowed: bool, message=NO_PERMISSION) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- Offline workbooks (boards.workbook) ---


def leads_any_action(user, plan) -> bool:
    return Action.objects.filter(plan=plan).for_lead(user).exists()


def require_can_use_workbook(user, plan) -> bool:
    """True for the plan's managers, False for its action leads; PermissionDenied for anyone else."""
    if can_manage_rounds(user, plan):
        return True
    if leads_any_action(user, plan):
        return False
    raise PermissionDenied(_("Only the plan’s action leads and managers use its offline workbook."))


def get_workbook_upload_or_404(user, pk) -> WorkbookUpload:
    """An upload is visible to the person who made it (and administrators), while they can read its plan."""
    uploads = WorkbookUpload.objects.filter(round__plan__in=access.visible_plans(user)).select_related(
        "round__plan__rag_scheme", "round__plan__organisation", "recorded_for", "uploaded_by")
    if not user.is_superuser:
        uploads = uploads.filter(uploaded_by=user)
    return get_object_or_404(uploads, pk=pk)
