import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from improvement import access as core_access
from improvement.clock import today
from improvement.forms_rendering import ConfirmsUnusualValues, GovukCheckboxes, GovukDateField, GovukRadioSelect
from improvement.lib.text import shorten
from improvement.models import Action, Plan, Recommendation, add_months, period_label
from improvement.people_forms import PersonForm

from .models import (
    Assessment,
    AttentionItem,
    Board,
    BoardMember,
    Decision,
    FollowUp,
    Meeting,
    ReviewNote,
    ScrutinyReview,
)


def action_choice(plan, **kwargs):
    field = forms.ModelChoiceField(
        queryset=Action.objects.filter(plan=plan).order_by("number_sort"),
        empty_label=_("Choose an action"), **kwargs,
    )
    field.label_from_instance = lambda action: f"{action.number} – {shorten(action.description, 90)}"
    return field


class RoundForm(ConfirmsUnusualValues, forms.Form):
    period = forms.TypedChoiceField(
        label=_("Reporting period"), coerce=datetime.date.fromisoformat,
        error_messages={"required": _("Select the reporting period"),
                        "invalid_choice": _("Select the reporting period")},
    )
    deadline = GovukDateField(
        label=_("Deadline for updates"), help_text=_("Leads are reminded before it and chased after it. "
        "For example, 10 1 2013"),
        error_messages={"required": _("Enter the deadline for updates")},
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        used = set(plan.rounds.values_list("period", flat=True))
        months = [add_months(plan.current_period, n) for n in range(-1, 13)]
        self.fields["period"].choices = [("", _("Choose a month"))] + [
            (month.isoformat(), period_label(month)) for month in months if month not in used
        ]

    def clean(self):
        cleaned = super().clean()
        period, deadline = cleaned.get("period"), cleaned.get("deadline")
        if period and deadline and deadline < period:
            self.add_error("deadline", _("The deadline must be on or after the first day of the period "
                                         "(%(date)s)") % {"date": date_format(period, "j F Y")})
        elif deadline and deadline < today():
            self.warn(_("The deadline (%(date)s) has already passed: every action without an update "
                        "will be late as soon as the round opens, and leads will be chased, not reminded.")
                      % {"date": date_format(deadline, "j F Y")})
        return cleaned


class MeetingForm(forms.ModelForm):
    date = GovukDateField(label=_("Date of the meeting"), help_text=_("For example, 17 12 2012"),
                          error_messages={"required": _("Enter the date of the meeting")})

    class Meta:
        model = Meeting
        fields = ["plan", "round", "date", "agenda", "papers"]
        labels = {"round": _("Update round it reviews")}
        error_messages = {
            "round": {"required": _("Select the update round this meeting reviews")},
            "plan": {"required": _("Select the plan")},
        }

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.board = board
        self.fields["plan"].queryset = board.plans.order_by("name")
        self.fields["plan"].empty_label = _("Choose a plan")
        rounds = self.fields["round"]
        rounds.queryset = rounds.queryset.filter(plan__boards=board).select_related("plan").order_by("-period")
        rounds.empty_label = _("Choose a round")
        rounds.label_from_instance = lambda r: f"{r.plan.name}: {r.period_label}"
        self.fields["agenda"].widget.attrs["rows"] = 6
        self.fields["papers"].widget.attrs["rows"] = 4


class ReviewNoteForm(forms.ModelForm):
    class Meta:
        model = ReviewNote
        fields = ["action", "kind", "text"]
        labels = {"kind": _("Type of note"), "text": _("Review note")}
        error_messages = {
            "text": {"required": _("Enter the review note")},
            "kind": {"required": _("Select the type of note")},
            "action": {"required": _("Select the action the note is about")},
        }

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"] = action_choice(meeting.plan, label=_("Action"),
                                              error_messages=self.fields["action"].error_messages)
        self.fields["kind"].widget = GovukRadioSelect(hints={
            "comment": _("An observation for the record."),
            "question": _("Something the board wants the lead to answer."),
            "challenge": _("The board is not yet assured: the lead must answer before it is resolved."),
        })
        self.fields["kind"].choices = ReviewNote.Kind.choices
        self.fields["kind"].widget.choices = ReviewNote.Kind.choices
        self.fields["text"].widget.attrs["rows"] = 5

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Enter the review note"))
        return text


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000,
                           error_messages={"required": _("Enter your answer")})


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Why is it resolved?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000,
        help_text=_("For example, what the lead showed the board. This is shown on the thread."),
        error_messages={"required": _("Enter why the note is resolved")},
    )


class AttentionItemForm(forms.ModelForm):
    class Meta:
        model = AttentionItem
        fields = ["action", "reason"]
        labels = {"reason": _("Why the board should look at it")}
        error_messages = {"reason": {"required": _("Enter why the board should look at this action")},
                          "action": {"required": _("Select an action")}}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.fields["action"] = action_choice(meeting.plan, label=_("Action"),
                                              error_messages={"required": _("Select an action")})
        self.fields["reason"].widget.attrs["rows"] = 3

    def validate_unique(self):
        if AttentionItem.objects.filter(meeting=self.instance.meeting,
                                        action=self.cleaned_data.get("action")).exists():
            self.add_error("action", _("That action is already on the list"))


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "action"]
        labels = {"text": _("Decision")}
        error_messages = {"text": {"required": _("Enter the decision")}}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"] = action_choice(meeting.plan, label=_("Action it concerns"), required=False)
        self.fields["text"].widget.attrs["rows"] = 3


class FollowUpForm(ConfirmsUnusualValues, forms.ModelForm):
    due_date = GovukDateField(label=_("Due date"), error_messages={"required": _("Enter the due date")})

    class Meta:
        model = FollowUp
        fields = ["description", "owner", "due_date"]
        labels = {"description": _("Follow-up action"), "owner": _("Owner")}
        error_messages = {"description": {"required": _("Enter the follow-up action")},
                          "owner": {"required": _("Select who owns it")}}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting  # FollowUp.clean() compares the due date with the meeting's
        # Owners: the board's members and the plan's leads and managers.
        users = get_user_model().objects.filter(
            Q(board_memberships__board=meeting.board)
            | Q(posts__actions__plan=meeting.plan) | Q(plan_roles__plan=meeting.plan)
        ).distinct().order_by("first_name", "last_name")
        self.fields["owner"].queryset = users
        self.fields["owner"].empty_label = _("Choose a person")
        self.fields["owner"].label_from_instance = lambda u: f"{u} ({u.job_title})" if u.job_title else str(u)
        self.fields["description"].widget.attrs["rows"] = 3

    def clean(self):
        cleaned = super().clean()
        self.warn_if_far_ahead(cleaned.get("due_date"), "due date", today())
        return cleaned


class ScrutinyReviewForm(forms.ModelForm):
    date = GovukDateField(label=_("Date of the review"), error_messages={"required": _("Enter the date of the review")})

    class Meta:
        model = ScrutinyReview
        fields = ["board", "title", "date", "scope", "reported_to"]
        labels = {"board": _("Scrutiny panel")}
        error_messages = {"title": {"required": _("Enter a title")}, "scope": {"required": _("Enter the scope")},
                          "board": {"required": _("Select the scrutiny panel")}}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["board"].queryset = Board.objects.filter(plans=plan, kind=Board.Kind.SCRUTINY_PANEL)
        self.fields["board"].empty_label = _("Choose a panel")
        self.fields["scope"].widget.attrs["rows"] = 3


def _reading_order(recommendation):
    return recommendation.source.key, recommendation.reference_sort


def actions_by_recommendation(plan):
    """The plan's actions as grouped choices, one group per recommendation in reading order
    ("1, 2, 10"), then the actions that answer none; an action answering several is listed under
    the first, with a hint naming them all. Returns (groups, hints by action id)."""
    actions = list(Action.objects.filter(plan=plan).prefetch_related("recommendations__source")
                   .order_by("number_sort"))
    groups: dict = {}
    hints = {}
    for action in actions:
        recommendations = sorted(action.recommendations.all(), key=_reading_order)
        first = recommendations[0] if recommendations else None
        groups.setdefault(first, []).append((action.pk, f"{action.number} – {shorten(action.description, 80)}"))
        if len(recommendations) > 1:
            hints[action.pk] = _("Answers %(recommendations)s") % {
                "recommendations": ", ".join(str(r) for r in recommendations)}
    ordered = sorted((r for r in groups if r is not None), key=_reading_order)
    choices = [(f"{r} – {shorten(r.text, 100)}" if r.text else str(r), groups[r]) for r in ordered]
    if None in groups:
        choices.append((_("Not linked to a recommendation") if ordered else "", groups[None]))
    return choices, hints


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["number", "group", "requirement", "recommendation", "actions", "conclusion", "comment",
                  "evidence"]
        labels = {"number": _("Item number"), "requirement": _("Requirement examined")}
        error_messages = {"number": {"required": _("Enter the item number")},
                          "requirement": {"required": _("Enter the requirement examined")},
                          "conclusion": {"required": _("Select a conclusion")}}

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.review = review
        plan = review.plan
        recommendation = self.fields["recommendation"]
        recommendation.queryset = Recommendation.objects.filter(source__plan=plan).select_related("source")
        recommendation.empty_label = _("None")
        actions = self.fields["actions"]
        actions.queryset = Action.objects.filter(plan=plan).order_by("number_sort")
        groups, hints = actions_by_recommendation(plan)
        actions.widget = GovukCheckboxes(choices=groups, hints=hints, filter_label=_("Filter actions"))
        actions.help_text = _("Choose the actions this item looks at. "
                              "They are grouped by the recommendation they answer.")
        self.fields["conclusion"].widget = GovukRadioSelect(hints={
            conclusion: (_("No evidence received. Needs a comment.") if conclusion == Assessment.Conclusion.UNKNOWN
                         else _("Needs a comment.")) for conclusion in Assessment.NEEDS_COMMENT
        })
        self.fields["conclusion"].widget.choices = self.fields["conclusion"].choices = \
            Assessment.Conclusion.choices
        for name in ("requirement", "comment", "evidence"):
            self.fields[name].widget.attrs["rows"] = 4

    def validate_unique(self):
        number = self.cleaned_data.get("number")
        duplicate = Assessment.objects.filter(review=self.instance.review, number=number).exclude(pk=self.instance.pk)
        if number and duplicate.exists():
            self.add_error("number", _("Item %(number)s is already in this review") % {"number": number})


# --- Managing a board: members, plans, a new board ---------------------------------------------

MEMBER_ROLE_HINTS = {
    BoardMember.Role.CHAIR: _("Chairs its meetings; maintains its members, plans and meetings."),
    BoardMember.Role.MEMBER: _("Reads the board pack and posts review notes and challenges."),
    BoardMember.Role.OFFICER: _("Supports the board; maintains its members, plans and meetings."),
    BoardMember.Role.OBSERVER: _("Reads the plans the board oversees; does not post notes."),
}
REPRESENTS_HINT = _("Whom they sit for, for example West Midlands Police or DfE participant observer.")


def member_role_field():
    field = forms.ChoiceField(choices=BoardMember.Role.choices, widget=GovukRadioSelect(hints=MEMBER_ROLE_HINTS),
                              error_messages={"required": _("Select a role"), "invalid_choice": _("Select a role")})
    field.widget.choices = field.choices
    return field


class BoardMemberAddForm(PersonForm):
    """Add a member: one of the active people of the manager's own organisation, or anyone with
    an account by its exact email address. Other organisations' people are never listed."""

    role = member_role_field()
    represents = forms.CharField(label=_("Represents"), required=False, max_length=200, help_text=REPRESENTS_HINT)
    field_order = ["role", "represents", "person", "email"]

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user")
        if user and BoardMember.objects.filter(board=self.board, user=user).exists():
            self.add_error(None, _("%(person)s is already on this board: change their role instead") % {"person": user})
        return cleaned

    def save(self, *, by) -> BoardMember:
        member = BoardMember(board=self.board, user=self.cleaned_data["user"], role=self.cleaned_data["role"],
                             represents=self.cleaned_data["represents"].strip())
        member._history_user = by
        member.save()
        return member


class BoardMemberForm(forms.ModelForm):
    """Change a member's role and whom they represent."""

    class Meta:
        model = BoardMember
        fields = ["role", "represents"]
        help_texts = {"represents": REPRESENTS_HINT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = member_role_field()
        self.fields["role"].label = _("Role")

    def clean_role(self):
        role = self.cleaned_data["role"]
        # The instance still has the role it was read with: ModelForm applies the data after clean().
        if role not in BoardMember.managing_roles() and (blocker := self.instance.removal_blocker()):
            raise forms.ValidationError(blocker)
        return role

    def save_by(self, user) -> BoardMember:
        member = self.save(commit=False)
        member._history_user = user
        member.save()
        return member


def plan_checkboxes(queryset, **kwargs):
    field = forms.ModelMultipleChoiceField(queryset=queryset, widget=forms.CheckboxSelectMultiple, **kwargs)
    field.error_messages["invalid_choice"] = _("Choose only plans you manage")
    field.error_messages["invalid_pk_value"] = _("Choose only plans you manage")
    return field


class BoardPlansForm(forms.Form):
    """The plans a board oversees, among those the user manages. Plans they do not manage are
    not offered and are kept: only someone who manages a plan adds it to a board or takes it off."""

    def __init__(self, *args, board, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board
        managed = core_access.managed_plans(user)
        self.kept = list(board.plans.exclude(pk__in=managed.values("pk")).order_by("name"))
        self.fields["plans"] = plan_checkboxes(
            Plan.objects.filter(pk__in=managed.values("pk")).order_by("name"), required=False,
            label=_("Plans you manage that this board oversees"),
            initial=list(board.plans.filter(pk__in=managed.values("pk")).values_list("pk", flat=True)))
        self.hide_optional = True

    def clean(self):
        cleaned = super().clean()
        if "plans" in cleaned and not cleaned["plans"] and not self.kept:
            self.add_error("plans", _("Choose at least one plan: a board oversees one or more plans"))
        return cleaned

    def save(self, *, by):
        self.board._history_user = by
        self.board.plans.set([*self.cleaned_data["plans"], *self.kept])


class BoardForm(forms.ModelForm):
    """A new board overseeing one or more of the plans its creator manages."""

    class Meta:
        model = Board
        fields = ["name", "kind", "description", "plans"]
        labels = {"name": _("Name of the board"), "kind": _("Kind of board")}
        error_messages = {"name": {"required": _("Enter the name of the board")},
                          "kind": {"required": _("Select the kind of board")}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = GovukRadioSelect()
        self.fields["kind"].widget.choices = self.fields["kind"].choices = Board.Kind.choices
        self.fields["description"].widget.attrs["rows"] = 4
        self.fields["plans"] = plan_checkboxes(
            core_access.managed_plans(user).order_by("name"), label=_("Plans it oversees"),
            help_text=_("Plans you manage. Other plans' managers can add theirs later."),
            error_messages={"required": _("Choose at least one plan the board oversees")})
