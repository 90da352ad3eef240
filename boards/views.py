from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement import access as core_access
from improvement.clock import today
from improvement.lib.charts import stacked_bars
from improvement.measure_views import scorecard_readings
from improvement.models import (
    add_months,
    period_label,
)
from improvement.reporting import PeriodView, status_summaries_by_period

from . import access, signals
from .forms import (
    AssessmentForm,
    AttentionItemForm,
    DecisionForm,
    FollowUpForm,
    MeetingForm,
    ResolveForm,
    ResponseForm,
    ReviewNoteForm,
    RoundForm,
    ScrutinyReviewForm,
)
from .models import AttentionEntry, FollowUp, ReviewNote, ReviewResponse, UpdateRound
from .reminders import names_of, notify_about_note, send_round_reminders


def _bad_request(request, template, context):
    return render(request, template, context, status=400)


# --- Boards ----------------------------------------------------------------------------------

@require_GET
def board_list(request):
    boards = (access.visible_boards(request.user).prefetch_related("plans")
              .annotate(member_count=Count("members", distinct=True)).order_by("name"))
    context = {"boards": boards, "can_create_board": access.can_create_board(request.user)}
    return render(request, "boards/board_list.html", context)


@require_GET
def board_detail(request, board_id):
    board = access.get_board_or_404(request.user, board_id)
    visible = core_access.visible_plans(request.user)
    context = {
        "board": board,
        "members": board.members.select_related("user__organisation").order_by("role", "user__last_name"),
        "plans": board.plans.filter(pk__in=visible.values("pk")),
        "meetings": board.meetings.filter(plan__in=visible).select_related("plan", "round").order_by("-date"),
        "reviews": board.scrutiny_reviews.filter(plan__in=visible).select_related("plan"),
        "can_manage": access.can_manage_meetings(request.user, board),
        "can_manage_board": access.can_manage_board(request.user, board),
    }
    return render(request, "boards/board_detail.html", context)


# --- Rounds ----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def round_list(request, plan_id):
    plan = core_access.get_plan_or_404(request.user, plan_id)
    can_manage = access.can_manage_rounds(request.user, plan)
    form = RoundForm(request.POST or None, plan=plan)
    if request.method == "POST":
        access.require(can_manage, _("Only the plan's managers open update rounds."))
        if form.is_valid():
            try:
                round_ = UpdateRound.open_round(plan=plan, period=form.cleaned_data["period"],
                                                deadline=form.cleaned_data["deadline"], by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Round opened for %(period)s: updates are due by %(date)s.") % {
                    "period": round_.period_label, "date": date_format(round_.deadline, "j F Y")})
                return redirect(round_)
    context = {"plan": plan, "rounds": plan.rounds.order_by("-period"), "form": form,
               "can_manage": can_manage, "has_open": plan.rounds.open().exists()}
    return render(request, "boards/round_list.html", context, status=400 if form.errors else 200)


@require_GET
def round_detail(request, round_id):
    round_ = access.get_round_or_404(request.user, round_id)
    as_of = today()
    submissions = round_.submissions(as_of)
    counts = dict.fromkeys(("submitted", "submitted_late", "awaited", "late"), 0)
    for submission in submissions:
        counts[submission.state] += 1
    context = {
        "round": round_,
        "plan": round_.plan,
        "submissions": submissions,
        "no_one_to_remind": [s.action for s in submissions if s.is_outstanding and not s.action.lead_holders()]
        if round_.is_open else [],
        "leads": round_.by_lead(submissions),
        "counts": counts,
        "can_manage": access.can_manage_rounds(request.user, round_.plan),
        "reminders": round_.reminders.select_related("user").order_by("-attempted_at")[:50],
        "as_of": as_of,
        # Measures take no part in the round's fixed statuses: the plan's view of its period reads them.
        "missing_measures": PeriodView.of_plan(round_.plan, round_.period, as_of).missing_measure_values(),
    }
    return render(request, "boards/round_detail.html", context)


@require_POST
def round_send_reminders(request, round_id):
    round_ = access.get_round_or_404(request.user, round_id)
    access.require(access.can_manage_rounds(request.user, round_.plan), _("Only the plan's managers send reminders."))
    if not round_.is_open:
        messages.error(request, _("This round is closed: there is no one to remind."))
        return redirect(round_)
    result = send_round_reminders(round_, as_of=today(), manual=True, base_url=request.build_absolute_uri("/"))
    if result.failed:
        messages.error(request, ngettext(
            "%(count)s email could not be sent; they will be retried on the next run (see “Reminders sent” below).",
            "%(count)s emails could not be sent; they will be retried on the next run (see “Reminders sent” below).",
            result.failed) % {"count": result.failed})
    if result.no_one_to_remind:
        numbers = ", ".join(action.number for action in result.no_one_to_remind)
        told = (" " + _("The plan’s managers have been told by email: %(names)s.")
                % {"names": names_of(result.managers_told)}
                if result.managers_told else
                " " + _("The plan’s managers were told earlier: %(names)s.")
                % {"names": names_of(result.managers_told_before)}
                if result.managers_told_before else "")
        count = len(result.no_one_to_remind)
        messages.warning(request, ngettext(
            "No one to remind about %(count)s action (%(numbers)s): no one holds their lead posts.",
            "No one to remind about %(count)s actions (%(numbers)s): no one holds their lead posts.",
            count) % {"count": count, "numbers": numbers}
            + told + " " + _("Give each post a holder: see “No one to remind” below."))
    done = []
    if result.reminded:
        done.append(ngettext("Reminders sent to %(count)s lead: %(names)s.",
                             "Reminders sent to %(count)s leads: %(names)s.", len(result.reminded))
                    % {"count": len(result.reminded), "names": names_of(result.reminded)})
    if result.already_reminded:
        done.append(_("Already reminded for this round, so not sent again: %(names)s.")
                    % {"names": names_of(result.already_reminded)})
    if not (result.reminded or result.already_reminded or result.no_one_to_remind or result.failed):
        done.append(_("No one to remind: every open action has its update for %(period)s.")
                    % {"period": round_.period_label})
    if done:
        messages.success(request, " ".join(done))
    return redirect(round_)


@require_http_methods(["GET", "POST"])
def round_close(request, round_id):
    """Closing cannot be undone: GET says what it will fix, POST closes."""
    round_ = access.get_round_or_404(request.user, round_id)
    access.require(access.can_manage_rounds(request.user, round_.plan), _("Only the plan's managers close rounds."))
    if not round_.is_open:
        messages.error(request, _("This round was already closed on %(date)s.")
                       % {"date": date_format(round_.closed_at, "j F Y")})
        return redirect(round_)
    if request.method == "POST":
        try:
            round_.close(by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Round closed: the updates recorded for %(period)s are now fixed "
                                        "for reporting.") % {"period": round_.period_label})
        return redirect(round_)
    submissions = round_.submissions(today())
    outstanding = [submission for submission in submissions if submission.is_outstanding]
    return render(request, "boards/round_close.html", {
        "round": round_, "plan": round_.plan, "submitted": len(submissions) - len(outstanding),
        "outstanding": len(outstanding)})


# --- Meetings --------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def meeting_create(request, board_id):
    board = access.get_board_or_404(request.user, board_id)
    access.require(access.can_manage_meetings(request.user, board),
                   _("Only the board's officers and chair arrange meetings."))
    form = MeetingForm(request.POST or None, board=board)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, _("Meeting arranged for %(date)s.") % {"date": date_format(meeting.date, "j F Y")})
        return redirect(meeting)
    return render(request, "boards/meeting_form.html", {"board": board, "form": form},
                  status=400 if form.errors else 200)


# The attention list's value is that it is short: the page shows the most serious entries
# (Meeting.attention_list ranks them) and the rest on request.
ATTENTION_SHOWN = 10


def _attention(request, meeting) -> dict:
    """The ranked attention list, its summary by reason and the filter in the URL
    (``?reason=overdue``, ``?show=all``), so the filters are links that work without JavaScript."""
    view = meeting.period_view()
    entries = meeting.attention_list(view)
    Reason = AttentionEntry.Reason
    attention_statuses = [status.label for status in meeting.plan.rag_scheme.statuses.order_by("-severity")
                          if status.needs_board_attention]
    labels = {**dict(Reason.choices),
              Reason.STATUS: " or ".join(attention_statuses) or Reason.STATUS.label}
    summary = [(reason, labels[reason], sum(reason in entry.kinds for entry in entries)) for reason in Reason]
    reason = request.GET.get("reason")
    if reason not in Reason.values:
        reason = None  # an unknown filter shows the whole list
    chosen = [entry for entry in entries if reason in entry.kinds] if reason else entries
    show_all = request.GET.get("show") == "all"
    return {
        "attention": chosen if show_all else chosen[:ATTENTION_SHOWN],
        "attention_total": len(entries),
        "attention_chosen": len(chosen),
        "attention_summary": summary,
        "attention_reason": reason,
        "attention_reason_label": labels.get(reason, ""),
        "attention_hidden": 0 if show_all else max(len(chosen) - ATTENTION_SHOWN, 0),
        "attention_measures": meeting.attention_measures(view),
    }


@require_GET
def meeting_detail(request, meeting_id):
    meeting = access.get_meeting_or_404(request.user, meeting_id)
    user = request.user
    notes = (meeting.review_notes.select_related("action", "author")
             .prefetch_related(Prefetch("responses", queryset=ReviewResponse.objects.select_related("author")))
             .order_by("created_at"))
    context = {
        "meeting": meeting,
        "board": meeting.board,
        "plan": meeting.plan,
        **_attention(request, meeting),
        "notes": notes,
        "carried_notes": meeting.open_notes_carried_in().order_by("created_at"),
        "decisions": meeting.decisions.select_related("action", "recorded_by"),
        "follow_ups": meeting.follow_ups.select_related("owner"),
        "carried_follow_ups": meeting.follow_ups_carried_in().order_by("due_date"),
        "papers": [line for line in meeting.papers.splitlines() if line.strip()],
        "can_manage": access.can_manage_meetings(user, meeting.board),
        "can_post": access.can_post_review_note(user, meeting),
        "as_of": today(),
    }
    return render(request, "boards/meeting_detail.html", context)


def _meeting_question(request, meeting_id, *, form_class, allowed, denied, save, done, section, page, initial=None):
    """One of the meeting's forms on a page of its own (a GOV.UK question page). A valid POST
    saves and returns to that section of the meeting; an invalid one shows this page again."""
    meeting = access.get_meeting_or_404(request.user, meeting_id)
    access.require(allowed(request.user, meeting), denied)
    if request.method == "POST":
        form = form_class(request.POST, meeting=meeting)
        if form.is_valid():
            messages.success(request, save(form, meeting) or done)
            return redirect(f"{meeting.get_absolute_url()}#{section}")
    else:
        form = form_class(meeting=meeting, initial=initial)
    context = {"meeting": meeting, "board": meeting.board, "plan": meeting.plan, "form": form,
               "section": section, **page}
    return render(request, "boards/meeting_question.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def note_create(request, meeting_id):
    def save(form, meeting):
        note = form.save(commit=False)
        note.meeting, note.author = meeting, request.user
        note.save()
        signals.review_note_posted.send(sender=ReviewNote, note=note)
        told = notify_about_note(note, base_url=request.build_absolute_uri("/"),
                                 send=lambda message: transaction.on_commit(lambda: _send_quietly(message)))
        return _("Review note posted.") + " " + told

    return _meeting_question(
        request, meeting_id, form_class=ReviewNoteForm, allowed=access.can_post_review_note,
        denied=_("Only the board's chair, members and officers post review notes."), save=save,
        done=_("Review note posted."), section="notes",
        initial={"action": request.GET.get("action")},
        page={"heading": _("Post a review note"), "button": _("Post the note")})


@require_http_methods(["GET", "POST"])
def attention_add(request, meeting_id):
    def save(form, meeting):
        item = form.save(commit=False)
        item.added_by = request.user
        item.save()

    return _meeting_question(
        request, meeting_id, form_class=AttentionItemForm, allowed=access.can_add_to_attention_list,
        denied=_("Only the board's chair, members and officers add to the list."), save=save,
        done=_("Added to the list for the board's attention."), section="attention",
        page={"heading": _("Add an action to the board’s attention list"), "button": _("Add to the list")})


@require_http_methods(["GET", "POST"])
def decision_create(request, meeting_id):
    def save(form, meeting):
        decision = form.save(commit=False)
        decision.meeting, decision.recorded_by = meeting, request.user
        decision.save()

    return _meeting_question(
        request, meeting_id, form_class=DecisionForm,
        allowed=lambda user, meeting: access.can_manage_meetings(user, meeting.board),
        denied=_("Only the board's officers and chair record decisions."), save=save, done=_("Decision recorded."),
        section="decisions", page={"heading": _("Record a decision"), "button": _("Record the decision")})


@require_http_methods(["GET", "POST"])
def follow_up_create(request, meeting_id):
    def save(form, meeting):
        follow_up = form.save(commit=False)
        follow_up.meeting = meeting
        follow_up.save()

    return _meeting_question(
        request, meeting_id, form_class=FollowUpForm,
        allowed=lambda user, meeting: access.can_manage_meetings(user, meeting.board),
        denied=_("Only the board's officers and chair record follow-ups."), save=save, done=_("Follow-up recorded."),
        section="follow-ups", page={"heading": _("Record a follow-up action"), "button": _("Record the follow-up")})


@require_POST
def follow_up_done(request, follow_up_id):
    follow_up = access.get_follow_up_or_404(request.user, follow_up_id)
    access.require(access.can_mark_follow_up_done(request.user, follow_up),
                   _("Only its owner or the board's officers mark a follow-up done."))
    FollowUp.objects.filter(pk=follow_up.pk).update(done=True, done_at=timezone.now())
    messages.success(request, _("Follow-up marked done."))
    return redirect(follow_up.meeting)


def _send_quietly(message):
    import logging

    try:
        message.send()
    except Exception:  # noqa: BLE001 - the note is saved; the thread shows on My actions anyway
        logging.getLogger(__name__).exception("Could not email the leads about a review note")


# --- Review notes ----------------------------------------------------------------------------

def _note_context(request, note, form=None):
    user = request.user
    return {
        "note": note,
        "meeting": note.meeting,
        "action": note.action,
        "plan": note.meeting.plan,
        "responses": note.responses.select_related("author"),
        "can_answer": access.can_answer_note(user, note),
        "can_close": access.can_close_note(user, note),
        "form": form or ResponseForm(),
    }


@require_GET
def note_detail(request, note_id):
    note = access.get_note_or_404(request.user, note_id)
    return render(request, "boards/note_detail.html", _note_context(request, note))


@require_POST
def note_respond(request, note_id):
    note = access.get_note_or_404(request.user, note_id)
    access.require(access.can_answer_note(request.user, note), _("Only the action's leads answer on its notes."))
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, "boards/note_detail.html", _note_context(request, note, form))
    with transaction.atomic():
        response = ReviewResponse.objects.create(note=note, author=request.user, text=form.cleaned_data["text"])
        signals.review_note_answered.send(sender=ReviewResponse, note=note, response=response)
    messages.success(request, _("Answer posted."))
    return redirect("boards:note_detail", note.pk)


@require_POST
def note_close(request, note_id):
    """Carry a note forward or reopen it. Resolving has a page of its own (note_resolve)."""
    note = access.get_note_or_404(request.user, note_id)
    access.require(access.can_close_note(request.user, note),
                   _("Only the note's author or the board's officers and chair can do that."))
    status = request.POST.get("status")
    if status == ReviewNote.Status.RESOLVED:
        return redirect("boards:note_resolve", note.pk)
    if status == ReviewNote.Status.CARRIED_FORWARD:
        note.carry_forward(by=request.user)
        messages.success(request, _("Carried forward to the next meeting."))
    elif status == ReviewNote.Status.OPEN:
        note.reopen()
        messages.success(request, _("Reopened."))
    else:
        messages.error(request, _("Choose whether the note is resolved, carried forward or reopened."))
    return redirect("boards:note_detail", note.pk)


@require_http_methods(["GET", "POST"])
def note_resolve(request, note_id):
    """Resolving closes the thread: GET asks why (the reason is shown on the thread), POST does it."""
    note = access.get_note_or_404(request.user, note_id)
    access.require(access.can_close_note(request.user, note),
                   _("Only the note's author or the board's officers and chair resolve it."))
    if note.status == ReviewNote.Status.RESOLVED:
        messages.error(request, _("This note is already resolved."))
        return redirect("boards:note_detail", note.pk)
    form = ResolveForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        note.resolve(by=request.user, reason=form.cleaned_data["resolution"])
        messages.success(request, _("Marked resolved."))
        return redirect("boards:note_detail", note.pk)
    context = {"note": note, "meeting": note.meeting, "action": note.action, "plan": note.meeting.plan,
               "form": form, "answers": note.responses.count()}
    return render(request, "boards/note_resolve.html", context, status=400 if form.errors else 200)


# --- Scrutiny --------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def review_create(request, plan_id):
    plan = core_access.get_plan_or_404(request.user, plan_id)
    access.require(access.can_start_review(request.user, plan), _("Only scrutiny officers start reviews."))
    form = ScrutinyReviewForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        review = form.save()
        messages.success(request, _("Review created. Record a conclusion for each item in its scope."))
        return redirect(review)
    return render(request, "boards/review_form.html", {"plan": plan, "form": form},
                  status=400 if form.errors else 200)


@require_GET
def review_list(request, plan_id):
    plan = core_access.get_plan_or_404(request.user, plan_id)
    reviews = plan.scrutiny_reviews.select_related("board").annotate(items=Count("assessments")).order_by("-date")
    return render(request, "boards/review_list.html", {
        "plan": plan, "reviews": reviews, "can_start": access.can_start_review(request.user, plan)})


@require_GET
def review_detail(request, review_id):
    review = access.get_review_or_404(request.user, review_id)
    assessments = list(review.assessments.select_related("recommendation__source")
                       .prefetch_related("actions").order_by("number_sort"))
    statuses = review.lead_statuses()
    disagreements = 0
    groups: list = []
    for assessment in assessments:
        assessment.rows = [(action, statuses.get(action.pk), assessment.disagrees_with(statuses.get(action.pk)))
                           for action in assessment.actions.all()]
        assessment.disagrees = any(row[2] for row in assessment.rows)
        disagreements += assessment.disagrees
        if not groups or groups[-1][0] != assessment.group:
            groups.append((assessment.group, []))
        groups[-1][1].append(assessment)
    context = {
        "review": review,
        "plan": review.plan,
        "groups": groups,
        "summary": review.summary(),
        "total": len(assessments),
        "disagreements": disagreements,
        "can_record": access.can_record_assessment(request.user, review),
    }
    return render(request, "boards/review_detail.html", context)


@require_http_methods(["GET", "POST"])
def assessment_edit(request, review_id, assessment_id=None):
    review = access.get_review_or_404(request.user, review_id)
    instance = None
    if assessment_id is not None:  # an item not in this review is not found, before any permission
        instance = review.assessments.filter(pk=assessment_id).first()
        if instance is None:
            raise Http404("No such item in this review")
    access.require(access.can_record_assessment(request.user, review), _("Only scrutiny officers record conclusions."))
    form = AssessmentForm(request.POST or None, instance=instance, review=review)
    if request.method == "POST" and form.is_valid():
        assessment = form.save(commit=False)
        assessment.assessed_by, assessment.assessed_at = request.user, timezone.now()
        assessment.save()
        form.save_m2m()
        messages.success(request, _("Conclusion recorded for item %(number)s.") % {"number": assessment.number})
        return redirect(review)
    return render(request, "boards/assessment_form.html", {"review": review, "plan": review.plan, "form": form,
                                                           "assessment": instance},
                  status=400 if form.errors else 200)


# --- Dashboard -------------------------------------------------------------------------------

TREND_PERIODS = 12


@require_GET
def dashboard(request, plan_id):
    plan = core_access.get_plan_or_404(request.user, plan_id)
    as_of = today()
    periods = [add_months(plan.current_period, -n) for n in range(TREND_PERIODS - 1, -1, -1)]
    view = PeriodView.of_plan(plan, as_of=as_of)
    trend = status_summaries_by_period(plan, periods, view=view)
    open_notes = (ReviewNote.objects.filter(action__plan=plan).exclude(status=ReviewNote.Status.RESOLVED)
                  .select_related("action", "author", "meeting").order_by("-created_at"))
    context = {
        "plan": plan,
        "summary": view.summary,
        "statuses": view.statuses,
        "trend": [(period, period_label(period), trend[period]) for period in periods],
        "chart": stacked_bars(periods, trend),
        "movement": view.movement,
        "overdue_count": view.overdue_count,
        "missing_count": view.missing_count,
        "measure_readings": scorecard_readings(plan, view=view),
        "open_notes": open_notes[:20],
        "open_note_count": open_notes.count(),
        "challenge_count": open_notes.filter(kind=ReviewNote.Kind.CHALLENGE).count(),
        "as_of": as_of,
    }
    return render(request, "boards/dashboard.html", context)
