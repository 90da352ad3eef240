"""Maintaining a board: its members, the plans it oversees, and setting up a new board.

Each view reads the board first (404 for someone who may not know it exists), then requires
its chair or an officer (403). People are chosen from the manager's own organisation or by the
exact email address of an account; plans only from those the user manages.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import access
from .forms import BoardForm, BoardMemberAddForm, BoardMemberForm, BoardPlansForm
from .models import BoardMember

CONFIRM_TEMPLATE = "improvement/manage/confirm_removal.html"


def _data(request):
    """The POST data, even when empty (an empty form must fail validation, not show afresh)."""
    return request.POST if request.method == "POST" else None


def _managed_board(request, board_id):
    board = access.get_board_or_404(request.user, board_id)
    access.require_can_manage_board(request.user, board)
    return board


def _status(form):
    return 400 if form.errors else 200


@require_GET
def board_members(request, board_id):
    board = _managed_board(request, board_id)
    members = list(board.members.select_related("user__organisation").order_by(
        "role", "user__first_name", "user__last_name", "user__username"))
    managers = sum(1 for member in members if member.role in BoardMember.managing_roles())
    for member in members:
        member.is_last = member.role in BoardMember.managing_roles() and managers == 1
    return render(request, "boards/manage/board_members.html", {"board": board, "members": members})


@require_http_methods(["GET", "POST"])
def board_member_add(request, board_id):
    board = _managed_board(request, board_id)
    organisation = request.user.organisation
    form = BoardMemberAddForm(_data(request), board=board, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        member = form.save(by=request.user)
        messages.success(request, _("%(person)s added to the board as %(role)s.") % {
            "person": member.user, "role": member.get_role_display().lower()})
        return redirect("boards:board_members", board.pk)
    context = {"board": board, "form": form, "organisation": organisation}
    return render(request, "boards/manage/board_member_add.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def board_member_edit(request, board_id, member_id):
    board = _managed_board(request, board_id)
    member = access.get_board_member_or_404(board, member_id)
    form = BoardMemberForm(_data(request), instance=member)
    if request.method == "POST" and form.is_valid():
        form.save_by(request.user)
        messages.success(request, _("%(person)s’s membership saved.") % {"person": member.user})
        if not access.can_manage_board(request.user, board):
            return redirect(board)
        return redirect("boards:board_members", board.pk)
    context = {"board": board, "member": member, "form": form}
    return render(request, "boards/manage/board_member_edit.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def board_member_remove(request, board_id, member_id):
    board = _managed_board(request, board_id)
    member = access.get_board_member_or_404(board, member_id)
    if request.method == "POST":
        try:
            member.remove(by=request.user)
        except ValidationError as error:
            blocked = " ".join(error.messages)
        else:
            messages.success(request, _("%(person)s is no longer on the board.") % {"person": member.user})
            if not access.can_manage_board(request.user, board):
                return redirect("boards:board_list")
            return redirect("boards:board_members", board.pk)
    else:
        blocked = member.removal_blocker()
    yourself = member.user_id == request.user.pk
    context = {
        "title": (_("Are you sure you want to remove yourself from %(board)s?") % {"board": board.name} if yourself
                  else _("Are you sure you want to remove %(person)s from %(board)s?")
                  % {"person": member.user, "board": board.name}),
        "caption": board.name,
        "back_url": reverse("boards:board_members", args=[board.pk]),
        "blocked": blocked,
        "warning": _("You will no longer be able to manage this board.") if yourself else "",
        "button": _("Yes, remove from the board"),
    }
    return render(request, CONFIRM_TEMPLATE, context, status=400 if blocked and request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def board_plans(request, board_id):
    board = _managed_board(request, board_id)
    form = BoardPlansForm(_data(request), board=board, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save(by=request.user)
        messages.success(request, _("The plans %(board)s oversees are saved.") % {"board": board.name})
        return redirect(board)
    context = {"board": board, "form": form}
    return render(request, "boards/manage/board_plans.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def board_create(request):
    access.require(access.can_create_board(request.user), _("Only plan managers can set up a board."))
    form = BoardForm(_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            board = form.save(commit=False)
            board._history_user = request.user
            board.save()
            form.save_m2m()
            officer = BoardMember(board=board, user=request.user, role=BoardMember.Role.OFFICER)
            officer._history_user = request.user
            officer.save()
        messages.success(request, _("%(board)s set up, with you as its officer. Now add its members.")
                         % {"board": board.name})
        return redirect("boards:board_members", board.pk)
    return render(request, "boards/manage/board_create.html", {"form": form}, status=_status(form))
