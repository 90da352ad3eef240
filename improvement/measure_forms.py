"""Forms for plan managers defining a plan's measures of impact: the definition (with its
baseline, tolerance and links to the plan's themes, actions and recommendations), its dated
targets, and comparator values typed by hand.

Values are typed in the measure's unit and read by ``measures.parse_value``; everything else a
measure or target must satisfy is its model's ``clean()``, whose messages the pages show beside
the field. Every choice offered is the plan's own (``access``)."""

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import access
from . import measures as rules
from .forms_rendering import GovukDateField
from .models import Comparator, Measure, add_months, first_of_month, period_label
from .versioning import VersionedModelForm

UNIT_HINTS = {
    Measure.Unit.PERCENTAGE: _("a percentage, for example 52.5 or 52.5%"),
    Measure.Unit.DAYS: _("a number of days, for example 14"),
    Measure.Unit.RATE: _("a rate per 10,000 children, for example 38.5"),
    Measure.Unit.NUMBER: _("a number, for example 120"),
}


def parse_in_unit(text, unit, what: str):
    """``text`` read in ``unit``, or a ValidationError saying what to fix."""
    try:
        return rules.parse_value(text, unit)
    except ValueError as error:
        message = str(error)
        raise forms.ValidationError(gettext("The %(what)s %(error)s") % {
            "what": what, "error": f"{message[0].lower()}{message[1:]}"}) from None


class MeasureForm(VersionedModelForm):
    help_text = (_("A measure shows the plan’s impact: what is counted, in which unit, which way is better, and the "
                 "dated targets it is to reach. Its RAG is worked out from its values, never typed."))

    baseline_value = forms.CharField(
        label=_("Baseline value"), required=False, max_length=60,
        help_text=_("The value before the plan’s work, in the measure’s unit."))
    baseline_date = GovukDateField(label=_("Date of the baseline"), required=False,
                                   help_text=_("For example, 30 9 2012"))
    tolerance = forms.DecimalField(
        label=_("Tolerance"), max_digits=16, decimal_places=4, initial=0,
        error_messages={"required": _("Enter the tolerance, or 0 for none"),
                        "invalid": _("Enter the tolerance as a number, like 5"),
                        "max_decimal_places": _("Enter the tolerance with at most 4 figures after the point"),
                        "max_digits": _("The tolerance has more digits than it can hold")},
        help_text=_("How far worse than target a value may be and still be Within tolerance (Amber), in the "
                  "measure’s unit (percentage points for a percentage). 0 for none."))

    class Meta:
        model = Measure
        fields = ["name", "reference", "definition", "numerator", "denominator", "unit", "polarity", "frequency",
                  "data_source", "owner", "baseline_value", "baseline_date", "baseline_note", "tolerance",
                  "themes", "actions", "recommendations", "position"]
        labels = {"reference": _("Reference"), "definition": _("Definition"), "numerator": _("Numerator"),
                  "denominator": _("Denominator"), "polarity": _("Which way is better"), "frequency": _("How often"),
                  "data_source": _("Data source"), "owner": _("Owner"), "baseline_note": _("Baseline note"),
                  "themes": _("Themes it shows the impact of"), "actions": _("Actions it shows the impact of"),
                  "recommendations": _("Recommendations it shows the impact of")}
        widgets = {"name": forms.TextInput, "definition": forms.Textarea(attrs={"rows": 4}),
                   "numerator": forms.Textarea(attrs={"rows": 2}), "denominator": forms.Textarea(attrs={"rows": 2}),
                   "unit": forms.RadioSelect, "polarity": forms.RadioSelect, "frequency": forms.RadioSelect,
                   "themes": forms.CheckboxSelectMultiple, "actions": forms.CheckboxSelectMultiple,
                   "recommendations": forms.CheckboxSelectMultiple}
        help_texts = {"owner": _("The post that records its values: whoever holds it is asked for them."),
                      "position": _("Measures are listed in this order on the scorecard, lowest first.")}
        error_messages = {"name": {"required": _("Enter the measure’s name")},
                          "unit": {"required": _("Select the unit")},
                          "polarity": {"required": _("Select which way is better")},
                          "frequency": {"required": _("Select how often it has a value")},
                          "owner": {"invalid_choice": _("Select an owner from the posts listed")},
                          "themes": {"invalid_choice": _("Select themes from those listed")},
                          "actions": {"invalid_choice": _("Select actions from those listed")},
                          "recommendations": {"invalid_choice": _("Select recommendations from those listed")},
                          "position": {"invalid": _("Enter the position as a whole number, like 3")}}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        self.fields["owner"].queryset = access.lead_post_choices(plan)
        self.fields["owner"].empty_label = gettext("No owner yet")
        self.fields["themes"].queryset = plan.themes.order_by("position", "pk")
        self.fields["actions"].queryset = plan.actions.order_by("number_sort", "pk")
        self.fields["actions"].label_from_instance = lambda a: f"{a.number}: {a.description[:90]}"
        self.fields["recommendations"].queryset = access.recommendation_choices(plan)
        self.fields["baseline_date"].required_if = "baseline_value"
        if self.instance.pk and self.instance.baseline_value is not None and not self.is_bound:
            self.initial["baseline_value"] = rules.format_value(self.instance.baseline_value, self.instance.unit)
        if self.instance.pk and self.instance.values.exists():
            self.fields["unit"].disabled = True
            self.fields["unit"].help_text = gettext("It cannot be changed: values have been recorded in it.")

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Measure.objects.filter(plan=self.plan, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(gettext("This plan already has a measure called “%(name)s”: choose another "
                                                "name") % {"name": name})
        return name

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        text = (self.data.get(self.add_prefix("baseline_value")) or "").strip() if self.is_bound else ""
        cleaned["baseline_value"] = None
        if text and unit:
            try:
                cleaned["baseline_value"] = parse_in_unit(text, unit, gettext("baseline"))
            except forms.ValidationError as error:
                self.add_error("baseline_value", error)
        return cleaned


class TargetForm(forms.Form):
    """One dated target of the trajectory. A row left blank is ignored."""

    date = GovukDateField(label=_("Date"), required=False, help_text=_("The date it is to be reached by. For example, "
                                                                  "31 3 2013"))
    value = forms.CharField(label=_("Target value"), required=False, max_length=60)
    note = forms.CharField(label=_("Note"), required=False, max_length=300,
                           help_text=_("For example, “End of plan” or “Improvement Notice target”."))

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["date"].required_if = "value"  # a row filled in needs both (a blank row is left out)
        self.fields["value"].required_if = "date"
        if unit in UNIT_HINTS:
            self.fields["value"].help_text = gettext("In the measure’s unit: %(hint)s") % {"hint": UNIT_HINTS[unit]}
        self.fields["value"].widget.attrs.update({"class": "govuk-input--width-10", "spellcheck": "false"})

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        raw = [(self.data.get(self.add_prefix(f"date_{i}")) or "").strip() for i in range(3)]
        return not any(raw) and not data.get("value") and not data.get("note")

    def clean(self):
        cleaned = super().clean()
        if self.is_blank:
            return cleaned
        if not cleaned.get("date") and "date" not in self.errors:
            self.add_error("date", gettext("Enter the date of the target"))
        if not cleaned.get("value"):
            self.add_error("value", gettext("Enter the target value"))
        elif self.unit:
            try:
                cleaned["value"] = parse_in_unit(cleaned["value"], self.unit, gettext("target"))
            except forms.ValidationError as error:
                self.add_error("value", error)
        return cleaned


class BaseTargetFormSet(forms.BaseFormSet):
    def __init__(self, *args, unit=None, **kwargs):
        self.unit = unit
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "unit": self.unit}

    def clean(self):
        seen = set()
        for form in self.forms:
            day = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
            if day and not form.is_blank:
                if day in seen:
                    form.add_error("date", gettext("There is already a target for %(date)s: enter each date once")
                                   % {"date": date_format(day, "j F Y")})
                seen.add(day)

    def filled(self):
        """(date, value, note) of each row filled in, by date."""
        rows = [(f.cleaned_data["date"], f.cleaned_data["value"], f.cleaned_data.get("note", ""))
                for f in self.forms if not f.is_blank]
        return sorted(rows)


TargetFormSet = forms.formset_factory(TargetForm, formset=BaseTargetFormSet, extra=3, max_num=50,
                                      absolute_max=60, validate_max=True)


def target_formset(data=None, *, measure=None, unit=None):
    initial = [{"date": t.date, "value": rules.format_value(t.value, measure.unit), "note": t.note}
               for t in measure.targets.order_by("date")] if measure and measure.pk else []
    return TargetFormSet(data, initial=initial, prefix="targets", unit=unit)


class ComparatorForm(forms.Form):
    """A measure's comparator values for one period, typed in its unit. A value left blank keeps
    the one already held (if any); "remove" takes it away."""

    PERIODS_BACK = 36

    period = forms.TypedChoiceField(label=_("Reporting period"), coerce=datetime.date.fromisoformat,
                                    error_messages={"required": _("Select the reporting period"),
                                                    "invalid_choice": _("Select one of the reporting periods listed")})
    england = forms.CharField(label=_("England"), required=False, max_length=60)
    region = forms.CharField(label=_("Region"), required=False, max_length=60)
    region_area = forms.CharField(label=_("Which region"), required=False, max_length=200,
                                  help_text=_("For example, West Midlands"))
    statistical_neighbours = forms.CharField(label=_("Statistical neighbours"), required=False, max_length=60,
                                             help_text=_("The average of the council’s statistical neighbours."))
    source = forms.CharField(label=_("Source"), required=False, max_length=300,
                             help_text=_("Where the figures come from, for example “DfE Children in need 2012”."))

    VALUE_FIELDS = {Comparator.ENGLAND: "england", Comparator.REGION: "region",
                    Comparator.STATISTICAL_NEIGHBOURS: "statistical_neighbours"}

    VALUE_WORDS = {Comparator.ENGLAND: _("England value"), Comparator.REGION: _("region’s value"),
                   Comparator.STATISTICAL_NEIGHBOURS: _("statistical neighbours’ value")}

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        current = first_of_month(measure.plan.current_period)
        periods = [add_months(current, -n) for n in range(self.PERIODS_BACK + 1)]
        self.fields["period"].choices = [(p.isoformat(), period_label(p)) for p in periods]
        self.fields["period"].initial = current.isoformat()
        self.fields["region_area"].required_if = "region"
        hint = gettext("In the measure’s unit: %(hint)s. Leave blank to keep what is held.") % {
            "hint": UNIT_HINTS.get(measure.unit, "")}
        for name in self.VALUE_FIELDS.values():
            self.fields[name].help_text = " ".join(str(text) for text in [self.fields[name].help_text, hint] if text)
            self.fields[name].widget.attrs.update({"class": "govuk-input--width-10", "spellcheck": "false"})

    def clean(self):
        cleaned = super().clean()
        for comparator, name in self.VALUE_FIELDS.items():
            text = (cleaned.get(name) or "").strip()
            if text:
                try:
                    cleaned[name] = parse_in_unit(text, self.measure.unit, self.VALUE_WORDS[comparator])
                except forms.ValidationError as error:
                    self.add_error(name, error)
            else:
                cleaned[name] = None
        if cleaned.get("region") is not None and not cleaned.get("region_area", "").strip():
            self.add_error("region_area", gettext("Enter which region the value is for"))
        if not any(cleaned.get(name) is not None for name in self.VALUE_FIELDS.values()) and not self.errors:
            raise forms.ValidationError(gettext("Enter at least one comparator value"))
        return cleaned
