import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from improvement.forms_rendering import GovukCheckboxes, GovukDateField, GovukRadioSelect
from improvement.lib.text import shorten
from improvement.models import Action, Recommendation, add_months, period_label

from .models import Assessment, AttentionItem, Board, Decision, FollowUp, Meeting, ReviewNote, ScrutinyReview


def action_choice(plan, **kwargs):
    field = forms.ModelChoiceField(
        queryset=Action.objects.filter(plan=plan).order_by("number_sort"),
        empty_label="Choose an action", **kwargs,
    )
    field.label_from_instance = lambda action: f"{action.number} – {shorten(action.description, 90)}"
    return field


class RoundForm(forms.Form):
    period = forms.TypedChoiceField(
        label="Reporting period", coerce=datetime.date.fromisoformat,
        error_messages={"required": "Select the reporting period", "invalid_choice": "Select the reporting period"},
    )
    deadline = GovukDateField(
        label="Deadline for updates", help_text="Leads are reminded before it and chased after it. "
        "For example, 10 1 2013",
        error_messages={"required": "Enter the deadline for updates"},
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        used = set(plan.rounds.values_list("period", flat=True))
        months = [add_months(plan.current_period, n) for n in range(-1, 13)]
        self.fields["period"].choices = [("", "Choose a month")] + [
            (month.isoformat(), period_label(month)) for month in months if month not in used
        ]

    def clean(self):
        cleaned = super().clean()
        period, deadline = cleaned.get("period"), cleaned.get("deadline")
        if period and deadline and deadline < period:
            self.add_error("deadline", "The deadline must be on or after the first day of the period "
                                       f"({period:%-d %B %Y})")
        return cleaned


class MeetingForm(forms.ModelForm):
    date = GovukDateField(label="Date of the meeting", help_text="For example, 17 12 2012",
                          error_messages={"required": "Enter the date of the meeting"})

    class Meta:
        model = Meeting
        fields = ["plan", "round", "date", "agenda", "papers"]
        labels = {"round": "Update round it reviews"}
        error_messages = {
            "round": {"required": "Select the update round this meeting reviews"},
            "plan": {"required": "Select the plan"},
        }

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.board = board
        self.fields["plan"].queryset = board.plans.order_by("name")
        self.fields["plan"].empty_label = "Choose a plan"
        rounds = self.fields["round"]
        rounds.queryset = rounds.queryset.filter(plan__boards=board).select_related("plan").order_by("-period")
        rounds.empty_label = "Choose a round"
        rounds.label_from_instance = lambda r: f"{r.plan.name}: {r.period_label}"
        self.fields["agenda"].widget.attrs["rows"] = 6
        self.fields["papers"].widget.attrs["rows"] = 4


class ReviewNoteForm(forms.ModelForm):
    class Meta:
        model = ReviewNote
        fields = ["action", "kind", "text"]
        labels = {"kind": "Type of note", "text": "Review note"}
        error_messages = {
            "text": {"required": "Enter the review note"},
            "kind": {"required": "Select the type of note"},
            "action": {"required": "Select the action the note is about"},
        }

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"] = action_choice(meeting.plan, label="Action",
                                              error_messages=self.fields["action"].error_messages)
        self.fields["kind"].widget = GovukRadioSelect(hints={
            "comment": "An observation for the record.",
            "question": "Something the board wants the lead to answer.",
            "challenge": "The board is not yet assured: the lead must answer before it is resolved.",
        })
        self.fields["kind"].choices = ReviewNote.Kind.choices
        self.fields["kind"].widget.choices = ReviewNote.Kind.choices
        self.fields["text"].widget.attrs["rows"] = 5

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Enter the review note")
        return text


class ResponseForm(forms.Form):
    text = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000,
                           error_messages={"required": "Enter your answer"})


class AttentionItemForm(forms.ModelForm):
    class Meta:
        model = AttentionItem
        fields = ["action", "reason"]
        labels = {"reason": "Why the board should look at it"}
        error_messages = {"reason": {"required": "Enter why the board should look at this action"},
                          "action": {"required": "Select an action"}}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.fields["action"] = action_choice(meeting.plan, label="Action",
                                              error_messages={"required": "Select an action"})
        self.fields["reason"].widget.attrs["rows"] = 3

    def validate_unique(self):
        if AttentionItem.objects.filter(meeting=self.instance.meeting,
                                        action=self.cleaned_data.get("action")).exists():
            self.add_error("action", "That action is already on the list")


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "action"]
        labels = {"text": "Decision"}
        error_messages = {"text": {"required": "Enter the decision"}}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"] = action_choice(meeting.plan, label="Action it concerns", required=False)
        self.fields["text"].widget.attrs["rows"] = 3


class FollowUpForm(forms.ModelForm):
    due_date = GovukDateField(label="Due date", error_messages={"required": "Enter the due date"})

    class Meta:
        model = FollowUp
        fields = ["description", "owner", "due_date"]
        labels = {"description": "Follow-up action", "owner": "Owner"}
        error_messages = {"description": {"required": "Enter the follow-up action"},
                          "owner": {"required": "Select who owns it"}}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # Owners: the board's members and the plan's leads and managers.
        users = get_user_model().objects.filter(
            Q(board_memberships__board=meeting.board)
            | Q(posts__actions__plan=meeting.plan) | Q(plan_roles__plan=meeting.plan)
        ).distinct().order_by("first_name", "last_name")
        self.fields["owner"].queryset = users
        self.fields["owner"].empty_label = "Choose a person"
        self.fields["owner"].label_from_instance = lambda u: f"{u} ({u.job_title})" if u.job_title else str(u)
        self.fields["description"].widget.attrs["rows"] = 3


class ScrutinyReviewForm(forms.ModelForm):
    date = GovukDateField(label="Date of the review", error_messages={"required": "Enter the date of the review"})

    class Meta:
        model = ScrutinyReview
        fields = ["board", "title", "date", "scope", "reported_to"]
        labels = {"board": "Scrutiny panel"}
        error_messages = {"title": {"required": "Enter a title"}, "scope": {"required": "Enter the scope"},
                          "board": {"required": "Select the scrutiny panel"}}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["board"].queryset = Board.objects.filter(plans=plan, kind=Board.Kind.SCRUTINY_PANEL)
        self.fields["board"].empty_label = "Choose a panel"
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
            hints[action.pk] = "Answers " + ", ".join(str(r) for r in recommendations)
    ordered = sorted((r for r in groups if r is not None), key=_reading_order)
    choices = [(f"{r} – {shorten(r.text, 100)}" if r.text else str(r), groups[r]) for r in ordered]
    if None in groups:
        choices.append(("Not linked to a recommendation" if ordered else "", groups[None]))
    return choices, hints


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["number", "group", "requirement", "recommendation", "actions", "conclusion", "comment",
                  "evidence"]
        labels = {"number": "Item number", "requirement": "Requirement examined"}
        error_messages = {"number": {"required": "Enter the item number"},
                          "requirement": {"required": "Enter the requirement examined"},
                          "conclusion": {"required": "Select a conclusion"}}

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.review = review
        plan = review.plan
        recommendation = self.fields["recommendation"]
        recommendation.queryset = Recommendation.objects.filter(source__plan=plan).select_related("source")
        recommendation.empty_label = "None"
        actions = self.fields["actions"]
        actions.queryset = Action.objects.filter(plan=plan).order_by("number_sort")
        groups, hints = actions_by_recommendation(plan)
        actions.widget = GovukCheckboxes(choices=groups, hints=hints, filter_label="Filter actions")
        actions.help_text = "Choose the actions this item looks at. They are grouped by the recommendation they answer."
        self.fields["conclusion"].widget = GovukRadioSelect(hints={
            conclusion: ("No evidence received. " if conclusion == Assessment.Conclusion.UNKNOWN else "")
            + "Needs a comment." for conclusion in Assessment.NEEDS_COMMENT
        })
        self.fields["conclusion"].widget.choices = self.fields["conclusion"].choices = \
            Assessment.Conclusion.choices
        for name in ("requirement", "comment", "evidence"):
            self.fields[name].widget.attrs["rows"] = 4

    def validate_unique(self):
        number = self.cleaned_data.get("number")
        duplicate = Assessment.objects.filter(review=self.instance.review, number=number).exclude(pk=self.instance.pk)
        if number and duplicate.exists():
            self.add_error("number", f"Item {number} is already in this review")
