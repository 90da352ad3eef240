"""Forms for external reviews and their findings (boards/assurance_views.py)."""

from django import forms
from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from improvement.clock import today
from improvement.forms import LinkField
from improvement.forms_rendering import GovukDateField, GovukRadioSelect
from improvement.lib.filetypes import ALLOWED_DESCRIPTION, check_upload
from improvement.models import Recommendation, Source, Theme

from .models import ExternalFinding, ExternalReview, validate_scale

Band = ExternalReview.Band

# Scales reviews often use, worst first; a review may write its own instead.
SCALES = {
    "progress": ("Not yet met, Partly met, Met",
                 [("Not yet met", Band.NOT_MET), ("Partly met", Band.PARTLY_MET), ("Met", Band.MET)]),
    "ofsted": ("Inadequate, Requires improvement to be good, Good, Outstanding",
               [("Inadequate", Band.NOT_MET), ("Requires improvement to be good", Band.PARTLY_MET),
                ("Good", Band.MET), ("Outstanding", Band.MET)]),
    "assurance": ("No assurance, Limited assurance, Reasonable assurance, Substantial assurance",
                  [("No assurance", Band.NOT_MET), ("Limited assurance", Band.PARTLY_MET),
                   ("Reasonable assurance", Band.MET), ("Substantial assurance", Band.MET)]),
}
OWN_SCALE = "own"
BAND_WORDS = {"not met": Band.NOT_MET, "not yet met": Band.NOT_MET, "partly met": Band.PARTLY_MET,
              "met": Band.MET}

# The key a new source gets: how the plan will cite the document.
SOURCE_KINDS = {
    ExternalReview.Kind.MONITORING_VISIT: ("MV", Source.Kind.OFSTED_INSPECTION),
    ExternalReview.Kind.DFE_ASSESSMENT: ("DfE", Source.Kind.OTHER),
    ExternalReview.Kind.PEER_CHALLENGE: ("Peer", Source.Kind.PEER_REVIEW),
    ExternalReview.Kind.EXTERNAL_ASSURER: ("EA", Source.Kind.OTHER),
    ExternalReview.Kind.INTERNAL_AUDIT: ("IA", Source.Kind.INTERNAL_REVIEW),
}


def parse_scale(text: str) -> list[dict]:
    """One judgement a line, worst first, each followed by what it counts as:
    "Inadequate = not met"."""
    scale = []
    for number, line in enumerate((line.strip() for line in text.splitlines() if line.strip()), start=1):
        label, equals, band = (part.strip() for part in line.rpartition("="))
        if not equals or not label:
            raise forms.ValidationError(gettext("Line %(number)s: write the judgement, then “=” and what it counts "
                                                "as, like “Inadequate = not met”") % {"number": number})
        if band.casefold() not in BAND_WORDS:
            raise forms.ValidationError(gettext("Line %(number)s: “%(band)s” is not a band: write met, partly met or "
                                                "not met") % {"number": number, "band": band})
        scale.append({"label": label[:100], "band": BAND_WORDS[band.casefold()]})
    return scale


class ExternalReviewForm(forms.ModelForm):
    date = GovukDateField(label=_("Date of the visit or assessment"),
                          error_messages={"required": _("Enter the date of the visit or assessment")})
    existing_source = forms.ModelChoiceField(
        queryset=Source.objects.none(), required=False, label=_("The document the findings come from"),
        empty_label=_("It is not in the plan yet: add it below"),
        help_text=_("One of the plan’s sources, or leave this and give the document below."))
    document_title = forms.CharField(label=_("Title of the document"), required=False, max_length=300,
                                     help_text=_("For example, “Monitoring visit letter, 12 November 2026”."))
    document_link = LinkField(label=_("Link to the document"), required=False, max_length=500,
                              help_text=_("Where it is published, for example on reports.ofsted.gov.uk."))
    document_file = forms.FileField(label=_("Or upload the document"), required=False,
                                    help_text=format_lazy(_("{files}, up to {size}."), files=ALLOWED_DESCRIPTION,
                                                          size=filesizeformat(settings.EVIDENCE_MAX_BYTES)))
    scale_choice = forms.ChoiceField(
        label=_("The review’s scale of judgements"),
        choices=[*((key, words) for key, (words, _points) in SCALES.items()), (OWN_SCALE, _("Its own scale"))],
        error_messages={"required": _("Select the review’s scale"), "invalid_choice": _("Select the review’s scale")})
    own_scale = forms.CharField(
        label=_("Its own scale"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=_("One judgement a line, worst first, each with what it counts as beside the lead’s RAG "
                  "(met, partly met or not met): for example “Not yet = not met”. Only “met” counts as complete."))

    class Meta:
        model = ExternalReview
        fields = ["kind", "title", "date", "reviewer_organisation"]
        labels = {"kind": _("Kind of review"), "reviewer_organisation": _("Who reviewed")}
        widgets = {"kind": GovukRadioSelect}
        error_messages = {"kind": {"required": _("Select the kind of review")},
                          "title": {"required": _("Enter a title")},
                          "reviewer_organisation": {"required": _("Enter who reviewed, for example Ofsted")}}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        field = self.fields["existing_source"]
        field.queryset = Source.objects.filter(plan=plan).order_by("key")
        field.label_from_instance = lambda source: f"{source.key} – {source.title}"
        field.error_messages["invalid_choice"] = _("Choose one of this plan’s sources")
        self.fields["kind"].choices = ExternalReview.Kind.choices  # radios: no empty option
        self.fields["scale_choice"].widget = GovukRadioSelect(choices=self.fields["scale_choice"].choices)
        self.fields["own_scale"].required_if = "scale_choice"

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > today():
            raise forms.ValidationError(gettext("The date of the visit must be today or in the past, not %(date)s")
                                        % {"date": date_format(date, "j F Y")})
        return date

    def clean_document_file(self):
        upload = self.cleaned_data.get("document_file")
        if not upload:
            return upload
        if upload.size > settings.EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(gettext("The document must be smaller than %(size)s")
                                        % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES)})
        if upload.size == 0:
            raise forms.ValidationError(_("The document is empty"))
        try:
            check_upload(upload, upload.name)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scale_choice") == OWN_SCALE:
            try:
                scale = parse_scale(cleaned.get("own_scale", ""))
                validate_scale(scale)
            except forms.ValidationError as error:
                self.add_error("own_scale", error)
            else:
                self.instance.scale = scale
        elif cleaned.get("scale_choice") in SCALES:
            self.instance.scale = [{"label": label, "band": band} for label, band in
                                   SCALES[cleaned["scale_choice"]][1]]
        if "existing_source" in self.errors:
            return cleaned
        new_document = cleaned.get("document_title") or cleaned.get("document_link") or cleaned.get("document_file")
        if cleaned.get("existing_source") and new_document:
            self.add_error("existing_source", _("Choose one of the plan’s sources or give a new document, not both"))
        elif cleaned.get("existing_source"):
            self.instance.source = cleaned["existing_source"]
        else:
            if not cleaned.get("document_title"):
                self.add_error("document_title", _("Enter the title of the document the findings come from, "
                                                 "or choose one of the plan’s sources"))
            if not (cleaned.get("document_link") or cleaned.get("document_file")) and not (
                    self.errors.get("document_link") or self.errors.get("document_file")):
                self.add_error("document_link", _("Enter a link to the document or upload it"))
        return cleaned

    @transaction.atomic
    def save(self, *, by):
        review = self.instance
        review.recorded_by = by
        if review.source_id is None:
            review.source = self._new_source()
        review._history_user = by
        review.save()
        return review

    def _new_source(self) -> Source:
        prefix, kind = SOURCE_KINDS[self.cleaned_data["kind"]]
        key = base = f"{prefix} {self.cleaned_data['date']:%Y-%m-%d}"
        taken = set(Source.objects.filter(plan=self.plan, key__startswith=base).values_list("key", flat=True))
        number = 2
        while key in taken:
            key, number = f"{base} ({number})", number + 1
        upload = self.cleaned_data.get("document_file")
        source = Source(plan=self.plan, key=key, kind=kind, title=self.cleaned_data["document_title"],
                        published=self.cleaned_data["date"], link=self.cleaned_data.get("document_link") or "",
                        document=upload or "", document_name=upload.name[:200] if upload else "")
        source.save()
        return source


class ExternalFindingForm(forms.Form):
    recommendation = forms.ModelChoiceField(
        queryset=Recommendation.objects.none(), required=False, label=_("Recommendation"),
        empty_label=_("Choose a recommendation"),
        error_messages={"invalid_choice": _("That recommendation is not one of this plan’s: choose one from the list")})
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(), required=False, label=_("Or a theme"),
        empty_label=_("Choose a theme"), help_text=_("When the finding is about a whole theme rather than one "
                                                "recommendation."),
        error_messages={"invalid_choice": _("That theme is not one of this plan’s: choose one from the list")})
    judgement = forms.ChoiceField(label=_("Judgement"), help_text=_("In the review’s own words, on its scale."))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("What the review said about it, as written."))

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        plan = review.plan
        self.fields["recommendation"].queryset = (Recommendation.objects.filter(source__plan=plan)
                                                  .select_related("source").order_by("source__key", "reference_sort"))
        self.fields["theme"].queryset = Theme.objects.filter(plan=plan).order_by("position", "pk")
        labels = review.labels
        field = self.fields["judgement"]
        field.choices = [(label, label) for label in labels]
        field.error_messages = {
            "required": _("Select the review’s judgement"),
            "invalid_choice": gettext("That judgement is not on this review’s scale: choose one of %(labels)s")
            % {"labels": ", ".join(labels)}}
        field.widget = GovukRadioSelect(
            choices=field.choices,
            hints={point["label"]: gettext("Counts as %(band)s") % {"band": Band(point["band"]).label.lower()}
                   for point in review.scale})

    def clean(self):
        cleaned = super().clean()
        if "recommendation" in self.errors or "theme" in self.errors:
            return cleaned
        recommendation, theme = cleaned.get("recommendation"), cleaned.get("theme")
        if recommendation and theme:
            self.add_error("theme", _("Choose a recommendation or a theme, not both"))
        elif not recommendation and not theme:
            self.add_error("recommendation", _("Choose the recommendation or the theme the finding is about"))
        return cleaned

    def save(self, *, by) -> ExternalFinding:
        data = self.cleaned_data
        return self.review.record_finding(recommendation=data.get("recommendation"), theme=data.get("theme"),
                                          judgement=data["judgement"], comment=data.get("comment", ""), by=by)
