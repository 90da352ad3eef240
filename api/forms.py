import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from improvement.forms_rendering import GovukCheckboxes, GovukRadioSelect

from .access import scope_choices

EXPIRY_CHOICES = [("30", _("30 days")), ("90", _("90 days")), ("365", _("1 year"))]


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, label=_("Name"),
        help_text=_("What it is for, so that you can tell your tokens apart, for example "
                    "“Power BI performance report”"),
        error_messages={"required": _("Enter a name for the token"),
                        "max_length": _("Name must be 100 characters or fewer")})
    plans = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Plans it may read"),
        help_text=_("It reads only these plans, and of them only what you may read yourself"),
        error_messages={"required": _("Select at least one plan for the token to read"),
                        "invalid_choice": _("Select plans from the list"),
                        "invalid_pk_value": _("Select plans from the list")})
    expires_in = forms.ChoiceField(
        choices=EXPIRY_CHOICES, label=_("Expires after"), widget=GovukRadioSelect,
        help_text=_("After this it stops working; create a new one then"),
        error_messages={"required": _("Select when the token expires"),
                        "invalid_choice": _("Select when the token expires")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans = scope_choices(user)
        self.fields["plans"].queryset = plans
        self.fields["plans"].widget = GovukCheckboxes(choices=self.fields["plans"].choices)
        self.fields["plans"].label_from_instance = lambda plan: f"{plan.name} ({plan.organisation.name})"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a name for the token"))
        return name

    def expires_at(self) -> datetime.datetime:
        return timezone.now() + datetime.timedelta(days=int(self.cleaned_data["expires_in"]))
