"""The form a plan manager asks for an evidence pack with (reports/evidence_views.py)."""

from django import forms
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from improvement.clock import today
from improvement.forms_rendering import GovukDateField, GovukRadioSelect

from .evidencepacks import evidence_file_bytes, too_large_message
from .models import EvidencePack


class EvidencePackForm(forms.Form):
    as_at = GovukDateField(
        label=gettext_lazy("Date the pack is as at"),
        help_text=gettext_lazy("The pack shows what the plan held at the end of this day, for example 6 12 2012."),
        error_messages={"required": gettext_lazy("Enter the date the pack is as at")})
    contents = forms.ChoiceField(
        label=gettext_lazy("What the pack holds"), choices=EvidencePack.Contents.choices,
        initial=EvidencePack.Contents.FULL,
        widget=GovukRadioSelect(hints={EvidencePack.Contents.INDEX_ONLY: gettext_lazy(
            "For a pack too large to download: the index lists every item and its checksum, and the files "
            "stay here.")}),
        error_messages={"required": gettext_lazy("Choose what the pack holds")})
    with_self_evaluation = forms.BooleanField(
        label=gettext_lazy("Include a draft self-evaluation per theme"), required=False,
        help_text=gettext_lazy(
            "A Word document answering Ofsted’s three questions from the plan’s own content, for you to edit. "
            "A pack that includes it can be downloaded by the plan’s managers only; it is never sent anywhere."))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["contents"].widget.choices = self.fields["contents"].choices

    def clean_as_at(self):
        as_at = self.cleaned_data["as_at"]
        if as_at > today():
            raise forms.ValidationError(
                _("The date must be today (%(today)s) or earlier: a pack shows what the plan held, not what it "
                  "will hold") % {"today": date_format(today(), "j F Y")})
        return as_at

    def clean(self):
        cleaned = super().clean()
        as_at = cleaned.get("as_at")
        if as_at and cleaned.get("contents") == EvidencePack.Contents.FULL:
            size = evidence_file_bytes(self.plan, as_at)
            if size > settings.EVIDENCE_PACK_MAX_BYTES:
                self.too_large = True
                self.add_error("contents", too_large_message(size))
        return cleaned
