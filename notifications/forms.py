from django import forms

from . import destinations
from .models import FOLLOWABLE, Subscription


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label="What to send", choices=FOLLOWABLE, widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one thing to send"})

    class Meta:
        model = Subscription
        fields = ["name", "kind", "url", "events"]
        labels = {"name": "Name", "kind": "Where it goes"}
        help_texts = {"url": "It must start with https://. For Teams, copy the address the Workflows app gives "
                             "when you add “Post to a channel when a webhook request is received”."}
        widgets = {"kind": forms.RadioSelect, "url": forms.TextInput(attrs={"spellcheck": "false",
                                                                             "autocomplete": "off"})}
        error_messages = {
            "name": {"required": "Enter a name for the subscription"},
            "kind": {"required": "Select where it goes"},
            "url": {"required": "Enter the webhook address"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Subscription.Kind.choices  # no empty choice among the radios
        # The address is checked below (and again at every send), not by URLField's own rules.
        self.fields["url"] = forms.CharField(label="Webhook address", max_length=2000,
                                             help_text=self.fields["url"].help_text,
                                             widget=self.fields["url"].widget,
                                             error_messages={"required": "Enter the webhook address"})

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        try:
            destinations.check_destination(url)
        except destinations.RefusedDestination as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return url
