"""Forms for plan managers maintaining a plan's structure: its details, themes and objectives,
milestones, sources and recommendations (actions use ``forms.ActionForm``).

Every choice a form offers is scoped to the plan (see ``access.lead_post_choices``), and a
plan's organisation is never a field: only an administrator changes it.
"""

from django import forms
from django.db.models import Max
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import access, clocks
from .forms_rendering import GovukDateField
from .models import Milestone, Objective, Plan, Recommendation, Source, Theme
from .versioning import VersionedModelForm


def parse_abbreviations(text: str) -> list[dict]:
    """Read "ABBR = meaning" lines into the plan's list; raise ValidationError naming each bad line."""
    items, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        abbreviation, equals, meaning = line.partition("=")
        if not equals or not abbreviation.strip() or not meaning.strip():
            errors.append(forms.ValidationError(gettext(
                "Line %(number)s (“%(line)s”) cannot be read: write it as ABBR = meaning, for example "
                "LSCB = Local Safeguarding Children Board"),
                params={"number": number, "line": line.strip()[:60]}))
            continue
        items.append({"abbreviation": abbreviation.strip(), "meaning": meaning.strip()})
    if errors:
        raise forms.ValidationError(errors)
    return items


def format_abbreviations(items) -> str:
    return "\n".join(f"{item['abbreviation']} = {item['meaning']}" for item in items or [])


class PlanForm(VersionedModelForm):
    help_text = (_("The plan’s name and description appear on every page and in board packs. "
                 "The organisation and the reporting period are not changed here."))

    abbreviations = forms.CharField(
        label=_("Abbreviations"), required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=20000,
        help_text=_("One per line, written as ABBR = meaning. For example, LSCB = Local Safeguarding Children Board"),
    )

    regime = forms.ChoiceField(
        label=_("Regime the plan answers to"), required=False,
        help_text=_("Its deadlines (the action plan, progress reports, monitoring visits) are worked out from the "
                  "trigger date in working days, and shown on the plan’s page."),
    )
    clock_trigger = GovukDateField(
        label=_("Trigger date"), required=False,
        help_text=_("The date the regime’s deadlines count from: the day the council received the inspection report "
                  "or visit letter. For example, 31 7 2012"),
    )

    class Meta:
        model = Plan
        fields = ["name", "description", "rag_scheme", "abbreviations", "regime", "clock_trigger"]
        labels = {"rag_scheme": _("RAG scheme")}
        help_texts = {"rag_scheme": _("The set of statuses leads choose from. It cannot be changed once any "
                                    "action has an update.")}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"name": {"required": _("Enter the plan’s name")},
                          "rag_scheme": {"required": _("Select a RAG scheme")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["abbreviations"] = format_abbreviations(self.instance.abbreviations)
        self.fields["regime"].choices = [("", gettext("None"))] + clocks.regime_choices()
        self.fields["rag_scheme"].empty_label = None
        self.fields["rag_scheme"].queryset = self.fields["rag_scheme"].queryset.order_by("name")
        if self.instance.has_rag_history():
            # The history refers to the scheme's statuses: a POSTed scheme is ignored, not applied.
            del self.fields["rag_scheme"]

    def clean_abbreviations(self):
        return parse_abbreviations(self.cleaned_data["abbreviations"])


class ThemeForm(VersionedModelForm):
    help_text = _("A theme is a priority of the plan. Its lead is a post, so it follows whoever holds the post.")

    class Meta:
        model = Theme
        fields = ["code", "title", "lead", "outcomes", "position"]
        labels = {"lead": _("Theme lead"), "outcomes": _("Outcomes sought")}
        help_texts = {"code": _("As the plan writes it, for example IP3 or Theme 1."),
                      "lead": _("A post of the plan’s organisation, or a post already leading its actions."),
                      "position": _("Themes are listed in this order, lowest first.")}
        widgets = {"outcomes": forms.Textarea(attrs={"rows": 5}), "title": forms.TextInput}
        error_messages = {"title": {"required": _("Enter the theme’s title")},
                          "lead": {"invalid_choice": _("Select a lead from the posts listed")},
                          "position": {"invalid": _("Enter the position as a whole number, like 3")}}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = access.lead_post_choices(plan)
        self.fields["lead"].empty_label = gettext("No theme lead")
        if self.instance.pk is None:  # a new theme comes after the plan's last one
            last = plan.themes.aggregate(last=Max("position"))["last"]
            self.fields["position"].initial = 1 if last is None else last + 1


class ObjectiveForm(forms.ModelForm):
    help_text = _("An objective is an optional level between the theme and its actions.")

    class Meta:
        model = Objective
        fields = ["code", "title", "position"]
        help_texts = {"code": _("As the plan writes it, for example IP1.3."),
                      "position": _("Objectives are listed in this order within the theme, lowest first.")}
        widgets = {"title": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": _("Enter the objective")},
                          "position": {"invalid": _("Enter the position as a whole number, like 3")}}


class MilestoneForm(forms.ModelForm):
    help_text = _("A milestone is a dated checkpoint on the way to the action’s due date.")

    due_date = GovukDateField(label=_("Date"), required=False, help_text=_("For example, 31 7 2012"))

    class Meta:
        model = Milestone
        fields = ["title", "due_date", "position"]
        labels = {"title": _("Milestone")}
        help_texts = {"title": _("For example, “3 months: audit of child protection plans reported to WSCB”."),
                      "position": _("Milestones are listed in this order, then by date.")}
        widgets = {"title": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": _("Enter the milestone")},
                          "position": {"invalid": _("Enter the position as a whole number, like 3")}}


class SourceForm(forms.ModelForm):
    help_text = _("A source is a document the plan answers to, such as an inspection report or Improvement Notice.")

    published = GovukDateField(label=_("Date published"), required=False,
                               help_text=_("Due dates of its recommendations follow from it. For example, 31 7 2012"))

    class Meta:
        model = Source
        fields = ["key", "kind", "title", "published"]
        labels = {"key": _("Key"), "kind": _("Kind of source")}
        help_texts = {"key": _("How the plan cites it, for example OIS 2012. It must be unique in the plan.")}
        error_messages = {"key": {"required": _("Enter the key the plan cites the source by")},
                          "kind": {"required": _("Select the kind of source")},
                          "title": {"required": _("Enter the source’s title")}}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_key(self):
        key = self.cleaned_data["key"].strip()
        if Source.objects.filter(plan=self.plan, key=key).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(gettext("This plan already has a source %(key)s: choose another key")
                                        % {"key": key})
        return key


class RecommendationForm(forms.ModelForm):
    help_text = _("A recommendation is one numbered requirement in the source.")

    due_date = GovukDateField(label=_("Due date"), required=False,
                              help_text=_("Leave empty to work it out from the urgency and the source’s date. "
                                        "For example, 31 10 2012"))

    class Meta:
        model = Recommendation
        fields = ["reference", "text", "urgency", "due_date"]
        labels = {"text": _("What it requires")}
        help_texts = {"reference": _("As the source numbers it, for example 1.2. It must be unique in the source.")}
        widgets = {"text": forms.Textarea(attrs={"rows": 5}), "urgency": forms.RadioSelect}
        error_messages = {"reference": {"required": _("Enter the recommendation’s reference")},
                          "urgency": {"required": _("Select the urgency")}}

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        clash = Recommendation.objects.filter(source=self.source, reference=reference).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(gettext("%(key)s already has a recommendation %(reference)s: choose another "
                                                "reference") % {"key": self.source.key, "reference": reference})
        return reference
