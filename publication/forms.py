"""Forms of the publication pages: a public summary's draft, the approver's return note, and a
plan's publication settings. Every form works without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from improvement.forms_rendering import GovukCheckboxes, GovukRadioSelect
from improvement.models import Measure

from .models import PublicationSettings, PublicSummary


class SummaryForm(forms.ModelForm):
    """The writer's draft. ``status`` is offered from the plan's chosen vocabulary; the
    introduction has the inspection it answers instead of a status."""

    class Meta:
        model = PublicSummary
        fields = ["title_en", "title_cy", "summary_en", "summary_cy", "inspection_en", "inspection_cy", "status"]
        help_texts = {
            "title_en": _("As the public reads it: plain words, no abbreviations."),
            "title_cy": _("Leave empty if there is no Welsh translation yet: the public page says so."),
            "summary_en": _("Say what has been done and what will happen next, in short sentences. "
                            "No names of people, and nothing you would not put in a press release."),
            "summary_cy": _("Leave empty if there is no Welsh translation yet: the public page says so."),
        }

    def __init__(self, *args, status_choices, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.kind
        if kind == PublicSummary.Kind.PLAN:
            del self.fields["status"]
            self.fields["title_en"].label = _("Plan title in English")
            self.fields["title_cy"].label = _("Plan title in Welsh")
            self.fields["summary_en"].label = _("The plan’s purpose in English")
            self.fields["summary_cy"].label = _("The plan’s purpose in Welsh")
        else:
            del self.fields["inspection_en"], self.fields["inspection_cy"]
            self.fields["status"] = forms.ChoiceField(
                label=_("Public status"), choices=status_choices, widget=GovukRadioSelect,
                error_messages={"required": _("Select the public status")})
            if kind == PublicSummary.Kind.THEME:
                self.fields["title_en"].label = _("Theme name in English")
                self.fields["title_cy"].label = _("Theme name in Welsh")
            else:
                self.fields["title_en"].label = _("Recommendation in English")
                self.fields["title_cy"].label = _("Recommendation in Welsh")
        self.fields["title_en"].required = True
        self.fields["title_en"].error_messages["required"] = _("Enter the name in English")
        self.fields["summary_en"].required = True
        self.fields["summary_en"].error_messages["required"] = _("Enter the summary in English")
        for name in ("summary_en", "summary_cy", "inspection_en", "inspection_cy"):
            if name in self.fields:
                self.fields[name].widget.attrs["rows"] = 6


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("Why are you returning it?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=_("The writer sees this. It is never published."),
        error_messages={"required": _("Say why you are returning the summary")})


class SettingsForm(forms.ModelForm):
    is_published = forms.TypedChoiceField(
        label=_("Publish the plan’s public page?"), coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes, show the approved summaries to the public")),
                 ("no", _("No, the public page says the plan is not published"))],
        widget=GovukRadioSelect)

    class Meta:
        model = PublicationSettings
        fields = ["is_published", "vocabulary", "public_measures"]
        widgets = {"vocabulary": GovukRadioSelect, "public_measures": GovukCheckboxes}
        help_texts = {
            "vocabulary": _("The statuses writers choose from for each public summary."),
            "public_measures": _("Their latest value and target are published at the next approval."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["is_published"] = "yes" if self.instance.is_published else "no"
        self.fields["public_measures"].queryset = Measure.objects.filter(plan=self.instance.plan).order_by(
            "position", "name")
        self.fields["public_measures"].required = False
