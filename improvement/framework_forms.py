"""The form that tags a recommendation with the framework criteria it addresses (on the
recommendation's page for plan managers, beside ``manage_forms.RecommendationForm``)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import criteria as rules
from .models import FrameworkCriterion


class CriterionTagsForm(forms.Form):
    """Checkboxes grouped by framework and area. It is rendered by
    templates/improvement/frameworks/_criteria_fields.html (``groups``), not field by field."""

    criteria = forms.ModelMultipleChoiceField(
        queryset=FrameworkCriterion.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select criteria from the list: one of those chosen is not offered"),
                        "invalid_pk_value": _("Select criteria from the list")})

    def __init__(self, *args, recommendation=None, **kwargs):
        self.recommendation = recommendation
        self.frameworks = rules.offered_frameworks(recommendation)
        initial = set()
        if recommendation is not None and recommendation.pk:
            initial = set(recommendation.criterion_tags.values_list("criterion_id", flat=True))
        super().__init__(*args, initial={"criteria": sorted(initial)}, **kwargs)
        offered = [criterion.pk for framework in self.frameworks for criterion in framework.ordered_criteria]
        self.fields["criteria"].queryset = FrameworkCriterion.objects.filter(pk__in=offered)
        self.fields["criteria"].label = gettext("Framework criteria it addresses")
        # What the checkboxes show: as posted when the page comes back with an error, else as saved.
        self.checked = (set(self.data.getlist(self.add_prefix("criteria"))) if self.is_bound
                        else {str(pk) for pk in initial})

    def groups(self):
        """[(framework, [(area, its criteria)])] for the template."""
        return [(framework, rules.criterion_groups(framework)) for framework in self.frameworks]

    def save(self, recommendation, *, by):
        return rules.set_tags(recommendation, self.cleaned_data["criteria"], by=by)
