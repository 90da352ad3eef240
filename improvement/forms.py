from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat

from .clock import today
from .forms_rendering import ConfirmsUnusualValues, GovukDateField, GovukRadioSelect
from .lib.filetypes import ALLOWED_DESCRIPTION, check_upload
from .models import Action, Evidence, Post, RagStatus
from .versioning import VersionedModelForm


class UpdateForm(ConfirmsUnusualValues, forms.Form):
    """A lead's progress update for the plan's current reporting period."""

    status = forms.ModelChoiceField(
        queryset=RagStatus.objects.none(),
        empty_label=None,
        error_messages={"required": "Select a status", "invalid_choice": "Select a status"},
    )
    note = forms.CharField(
        label="Review note for this period",
        help_text="What has happened since the last update, and what its effect has been.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": "Enter a review note for this period"},
    )
    revised_due_date = GovukDateField(
        label="Revised due date",
        required=False,
        help_text="Only if the action will not be finished by its due date. For example, 31 3 2013",
    )
    revised_date_reason = forms.CharField(
        label="Reason for the revised date",
        help_text="Required if you give a revised due date.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    evidence_file = forms.FileField(
        label="Evidence file",
        required=False,
        help_text=f"{ALLOWED_DESCRIPTION}, up to "
        f"{filesizeformat(settings.EVIDENCE_MAX_BYTES)}.",
    )
    evidence_link = forms.URLField(
        label="Evidence link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A link to a document on your organisation’s intranet or website.",
        error_messages={"invalid": "Enter a link in the correct format, like https://example.org/report"},
    )
    evidence_title = forms.CharField(
        label="What the evidence is",
        required=False,
        max_length=200,
        help_text="For example, “Multi-agency audit report, December 2012”.",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        # Not marked "(optional)": clean() asks for a reason whenever a revised date is given.
        self.fields["revised_date_reason"].required_if = "revised_due_date"
        statuses = list(plan.rag_scheme.statuses.order_by("position"))
        field = self.fields["status"]
        field.queryset = plan.rag_scheme.statuses.order_by("position")
        field.label = f"Status for {plan.current_period_label}"
        # The coloured tag already names the status; the label adds the code plans use.
        field.label_from_instance = lambda status: f"({status.code})"
        field.widget = GovukRadioSelect(
            hints={str(s.pk): s.meaning for s in statuses},
            tags={str(s.pk): (s.css_class, s.label) for s in statuses},
        )
        field.widget.choices = field.choices

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return upload
        if upload.size > settings.EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(
                f"The evidence file must be smaller than "
                f"{filesizeformat(settings.EVIDENCE_MAX_BYTES)}"
            )
        if upload.size == 0:
            raise forms.ValidationError("The evidence file is empty")
        try:
            upload.kind = check_upload(upload, upload.name)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status and status.is_complete and not (cleaned.get("note") or "").strip():
            self.add_error("note", "Enter a review note: a completed action needs one")
        if cleaned.get("revised_due_date") and not (cleaned.get("revised_date_reason") or "").strip():
            self.add_error("revised_date_reason", "Enter a reason for the revised date")
        self._check_revised_date(cleaned.get("revised_due_date"))
        if cleaned.get("evidence_title") and not (
            cleaned.get("evidence_file") or cleaned.get("evidence_link")
        ):
            self.add_error("evidence_file", "Choose a file or enter a link for the evidence")
        return cleaned

    def _check_revised_date(self, revised):
        """A revised date before the current reporting period is impossible: the periods before
        it are closed, and the plan did not run then. One already passed, or years ahead, is
        possible but unusual."""
        if not revised:
            return
        period = self.plan.current_period
        if revised < period:
            self.add_error("revised_due_date", "The revised due date must be in or after the current reporting "
                                               f"period ({self.plan.current_period_label}), not {revised:%-d %B %Y}")
            return
        as_of = today()
        if revised < as_of:
            self.warn(f"The revised due date ({revised:%-d %B %Y}) has already passed: the action will show "
                      "as overdue at once.")
        self.warn_if_far_ahead(revised, "revised due date", as_of)

    def evidence(self) -> list[Evidence]:
        """Unsaved evidence records for record_update() to attach to the update."""
        items = []
        title = self.cleaned_data.get("evidence_title", "")
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            items.append(Evidence(
                title=title, file=upload, original_name=upload.name[:200],
                content_type=upload.kind.content_type, size=upload.size,
            ))
        link = self.cleaned_data.get("evidence_link")
        if link:
            items.append(Evidence(title=title, url=link))
        return items


class ActionForm(ConfirmsUnusualValues, VersionedModelForm):
    """A plan manager's edit of an action's details (not its status: that is an update)."""

    due_date = GovukDateField(label="Due date", required=False,
                              help_text="The date the whole action is due. For example, 31 3 2013")

    class Meta:
        model = Action
        fields = ["number", "description", "lead_posts", "lead_agency", "timescale", "due_date", "measures", "cost"]
        labels = {"lead_posts": "Leads", "timescale": "Timescale as written"}
        widgets = {"lead_posts": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 5}),
                   "measures": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"number": {"required": "Enter the action number"},
                          "description": {"required": "Enter what the action is"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        self.fields["lead_posts"].queryset = Post.objects.filter(
            Q(organisation=plan.organisation) | Q(actions__plan=plan)).distinct().order_by("title")
        self.fields["lead_posts"].help_text = "Leads are posts: whoever holds the post sees the action."

    def clean(self):
        cleaned = super().clean()
        self.warn_if_far_ahead(cleaned.get("due_date"), "due date", today())
        return cleaned

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        clash = Action.objects.filter(plan=self.instance.plan, number=number).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"Action {number} already exists in this plan: choose another number")
        return number
