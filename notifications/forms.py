from django import forms
from django.utils.translation import gettext_lazy as _

from . import destinations
from .models import FOLLOWABLE, Subscription


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("What to send"), choices=FOLLOWABLE, widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
        error_messages={"required": _("Select at least one thing to send")})

    class Meta:
        model = Subscription
        fields = ["name", "kind", "url", "events"]
        labels = {"name": _("Name"), "kind": _("Where it goes")}
        help_texts = {"url": _("It must start with https://. For Teams, copy the address the Workflows app gives "
                               "when you add “Post to a channel when a webhook request is received”.")}
        widgets = {"kind": forms.RadioSelect, "url": forms.TextInput(attrs={"spellcheck": "false",
                                                                             "autocomplete": "off"})}
        error_messages = {
            "name": {"required": _("Enter a name for the subscription")},
            "kind": {"required": _("Select where it goes")},
            "url": {"required": _("Enter the webhook address")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Subscription.Kind.choices  # no empty choice among the radios
        # The address is checked below (and again at every send), not by URLField's own rules.
        self.fields["url"] = forms.CharField(label=_("Webhook address"), max_length=2000,
                                             help_text=self.fields["url"].help_text,
                                             widget=self.fields["url"].widget,
                                             error_messages={"required": _("Enter the webhook address")})

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        try:
            destinations.check_destination(url)
        except destinations.RefusedDestination as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return url
