import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import access
from .clock import today
from .forms_rendering import ConfirmsUnusualValues, GovukDateField, GovukRadioSelect
from .lib.filetypes import ALLOWED_DESCRIPTION, check_upload
from .models import Action, Evidence, Measure, Objective, RagStatus, add_months, first_of_month, period_label
from .versioning import VersionedModelForm


class LinkField(forms.URLField):
    """A link someone types for others to follow: https or http only (Django's URLField also takes
    ftp:, which browsers no longer open and which hides what is behind it)."""

    default_validators = [URLValidator(schemes=["https", "http"])]
    default_error_messages = {
        "invalid": _("Enter a link in the correct format, like https://example.org/report"),
        "scheme": _("Enter a link starting with https:// or http://"),
    }

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)

    def validate(self, value):
        super().validate(value)
        # to_python() has put a scheme first ("https" when none was typed).
        if value and value.partition(":")[0].lower() not in {"https", "http"}:
            raise forms.ValidationError(self.error_messages["scheme"], code="scheme")


class UpdateForm(ConfirmsUnusualValues, forms.Form):
    """A lead's progress update for the plan's current reporting period."""

    status = forms.ModelChoiceField(
        queryset=RagStatus.objects.none(),
        empty_label=None,
        error_messages={"required": _("Select a status"), "invalid_choice": _("Select a status")},
    )
    note = forms.CharField(
        label=_("Review note for this period"),
        help_text=_("What has happened since the last update, and what its effect has been."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": _("Enter a review note for this period")},
    )
    revised_due_date = GovukDateField(
        label=_("Revised due date"),
        required=False,
        help_text=_("Only if the action will not be finished by its due date. For example, 31 3 2013"),
    )
    revised_date_reason = forms.CharField(
        label=_("Reason for the revised date"),
        help_text=_("Required if you give a revised due date."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=format_lazy(_("{kinds}, up to {size}."), kinds=ALLOWED_DESCRIPTION,
                              size=filesizeformat(settings.EVIDENCE_MAX_BYTES)),
    )
    evidence_link = LinkField(
        label=_("Evidence link"),
        required=False,
        max_length=500,
        help_text=_("A link to a document on your organisation’s intranet or website."),
    )
    evidence_title = forms.CharField(
        label=_("What the evidence is"),
        required=False,
        max_length=200,
        help_text=_("For example, “Multi-agency audit report, December 2012”."),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        # Not marked "(optional)": clean() asks for a reason whenever a revised date is given.
        self.fields["revised_date_reason"].required_if = "revised_due_date"
        statuses = list(plan.rag_scheme.statuses.order_by("position"))
        field = self.fields["status"]
        field.queryset = plan.rag_scheme.statuses.order_by("position")
        field.label = gettext("Status for %(period)s") % {"period": plan.current_period_label}
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
                gettext("The evidence file must be smaller than %(size)s")
                % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}
            )
        if upload.size == 0:
            raise forms.ValidationError(gettext("The evidence file is empty"))
        try:
            upload.kind = check_upload(upload, upload.name)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status and status.is_complete and not (cleaned.get("note") or "").strip():
            self.add_error("note", gettext("Enter a review note: a completed action needs one"))
        if cleaned.get("revised_due_date") and not (cleaned.get("revised_date_reason") or "").strip():
            self.add_error("revised_date_reason", gettext("Enter a reason for the revised date"))
        self._check_revised_date(cleaned.get("revised_due_date"))
        if cleaned.get("evidence_title") and not (
            cleaned.get("evidence_file") or cleaned.get("evidence_link")
        ):
            self.add_error("evidence_file", gettext("Choose a file or enter a link for the evidence"))
        return cleaned

    def _check_revised_date(self, revised):
        """A revised date before the current reporting period is impossible: the periods before
        it are closed, and the plan did not run then. One already passed, or years ahead, is
        possible but unusual."""
        if not revised:
            return
        period = self.plan.current_period
        if revised < period:
            self.add_error("revised_due_date", gettext(
                "The revised due date must be in or after the current reporting period (%(period)s), not %(date)s")
                % {"period": self.plan.current_period_label, "date": date_format(revised, "j F Y")})
            return
        as_of = today()
        if revised < as_of:
            self.warn(gettext("The revised due date (%(date)s) has already passed: the action will show as overdue "
                              "at once.") % {"date": date_format(revised, "j F Y")})
        self.warn_if_far_ahead(revised, gettext("revised due date"), as_of)

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
    """A plan manager's create or edit of an action's details (not its status: that is an update).

    Everything offered is the plan's own: its themes and objectives, the posts that may lead it
    (``access.lead_post_choices``) and its sources' recommendations, so an id from elsewhere in
    a POST is refused as an invalid choice.
    """

    help_text = (_("An action is the unit of delivery. Its status is not set here: leads record it "
                 "with each update."))

    due_date = GovukDateField(label=_("Due date"), required=False,
                              help_text=_("The date the whole action is due. For example, 31 3 2013"))

    class Meta:
        model = Action
        fields = ["theme", "objective", "number", "description", "lead_posts", "recommendations", "lead_agency",
                  "timescale", "due_date", "measures", "cost"]
        labels = {"lead_posts": _("Leads"), "timescale": _("Timescale as written"),
                  "recommendations": _("Recommendations it answers")}
        widgets = {"lead_posts": forms.CheckboxSelectMultiple, "recommendations": forms.CheckboxSelectMultiple,
                   "description": forms.Textarea(attrs={"rows": 5}), "measures": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"objective": _("The objective under the theme that the action belongs to, where the plan has "
                                     "them."),
                      "recommendations": _("The recommendations of this plan’s sources that the action answers.")}
        error_messages = {"number": {"required": _("Enter the action number")},
                          "description": {"required": _("Enter what the action is")},
                          "theme": {"required": _("Select the theme"),
                                    "invalid_choice": _("Select one of this plan’s themes")},
                          "objective": {"invalid_choice": _("Select one of this plan’s objectives")},
                          "lead_posts": {"invalid_choice": _("Select leads from the posts listed")},
                          "recommendations": {"invalid_choice": _("Select recommendations from those listed")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance.plan
        self.fields["theme"].queryset = plan.themes.order_by("position", "pk")
        self.fields["theme"].empty_label = gettext("Select a theme")
        objective = self.fields["objective"]
        objective.queryset = Objective.objects.filter(theme__plan=plan).select_related("theme").order_by(
            "theme__position", "theme__pk", "position", "pk")
        objective.empty_label = gettext("None: directly under the theme")
        objective.label_from_instance = lambda o: f"{o.theme.code or o.theme.title[:30]}: {str(o)[:100]}"
        self.fields["lead_posts"].queryset = access.lead_post_choices(plan)
        self.fields["lead_posts"].help_text = gettext("Leads are posts: whoever holds the post sees the action.")
        self.fields["recommendations"].queryset = access.recommendation_choices(plan)
        # What it requires beside its reference: an imported report's recommendations are known by their words.
        self.fields["recommendations"].label_from_instance = (
            lambda r: f"{r}: {Truncator(r.text).chars(120)}" if r.text else str(r))

    def clean(self):
        cleaned = super().clean()
        self.warn_if_far_ahead(cleaned.get("due_date"), gettext("due date"), today())
        return cleaned

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        clash = Action.objects.filter(plan=self.instance.plan, number=number).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(gettext("Action %(number)s already exists in this plan: choose another number")
                                        % {"number": number})
        return number


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's own form (the current password checked, then the password validators of settings),
    in the words GOV.UK pages use."""

    error_messages = {
        "password_incorrect": _("Your current password is not right. Enter the password you sign in with"),
        "password_mismatch": _("The new passwords do not match. Enter the same new password twice"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "old_password": (gettext("Current password"), gettext("Enter your current password")),
            "new_password1": (gettext("New password"), gettext("Enter a new password")),
            "new_password2": (gettext("Confirm new password"), gettext("Enter the new password again")),
        }
        for name, (label, required) in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
            self.fields[name].widget.attrs.pop("autofocus", None)  # GOV.UK: do not move focus on load
        self.fields["new_password1"].help_text = gettext(
            "At least 12 characters. Not a common password, not only numbers, and not like your name or username.")
        self.fields["new_password2"].help_text = ""

    def validate_password_for_user(self, user, *args, **kwargs):
        # What is wrong with the new password belongs beside it, not beside its confirmation.
        super().validate_password_for_user(user, "new_password1")



class MeasureValueForm(forms.Form):
    """A measure's value for a reporting period, typed in its unit and read by ``measure.parse``."""

    PERIODS_BACK = 12  # without a baseline, how far back a value may be recorded

    period = forms.TypedChoiceField(label=_("Reporting period"), coerce=datetime.date.fromisoformat,
                                    error_messages={"required": _("Select the reporting period"),
                                                    "invalid_choice": _("Select one of the reporting periods listed")})
    value = forms.CharField(label=_("Value"), max_length=60, error_messages={"required": _("Enter a value")})
    commentary = forms.CharField(
        label=_("Commentary"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the figure shows, and why it has moved: the board reads this beside the value."))

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        current = measure.plan.current_period
        earliest = (first_of_month(measure.baseline_date) if measure.baseline_date
                    else add_months(current, -self.PERIODS_BACK))
        periods = []
        period = current
        while period >= earliest:
            periods.append(period)
            period = add_months(period, -1)
        self.fields["period"].choices = [(p.isoformat(), period_label(p)) for p in periods]
        self.fields["period"].initial = current.isoformat()
        self.fields["value"].help_text = {
            Measure.Unit.PERCENTAGE: gettext("A percentage, for example 52.5 or 52.5%"),
            Measure.Unit.DAYS: gettext("A number of days, for example 14"),
            Measure.Unit.RATE: gettext("A rate per 10,000 children, for example 38.5"),
        }.get(measure.unit, gettext("A number, for example 120"))
        self.fields["value"].widget.attrs.update({"class": "govuk-input--width-10", "spellcheck": "false"})

    def clean_value(self):
        try:
            return self.measure.parse(self.cleaned_data["value"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
