"""Render Django forms with GOV.UK Design System markup.

Settings: ``FORM_RENDERER = "improvement.forms_rendering.GovukFormRenderer"``
with ``"django.forms"`` in ``INSTALLED_APPS`` and the project's ``templates/``
folder in ``TEMPLATES["DIRS"]``.

``{{ form }}`` then renders ``templates/govuk/form.html`` and each
``{{ form.field.as_field_group }}`` renders ``templates/govuk/field.html``:
label (or legend), hint, error message and control, tied together with
``aria-describedby``. The page shows the error summary itself
(``templates/includes/error_summary.html``).

Ids follow GOV.UK Frontend: the control is ``id_<name>``, its hint
``id_<name>-hint`` and its error message ``id_<name>-error``. These are only
used by our templates: ``{{ field }}`` on its own (as the Django admin renders
fields) keeps Django's own behaviour.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Widget type (BoundField.widget_type) -> (GOV.UK class, error modifier).
_CONTROL_CLASSES = {
    "text": ("govuk-input", "govuk-input--error"),
    "email": ("govuk-input", "govuk-input--error"),
    "url": ("govuk-input", "govuk-input--error"),
    "number": ("govuk-input", "govuk-input--error"),
    "password": ("govuk-input", "govuk-input--error"),
    "tel": ("govuk-input", "govuk-input--error"),
    "search": ("govuk-input", "govuk-input--error"),
    "date": ("govuk-input", "govuk-input--error"),
    "datetime": ("govuk-input", "govuk-input--error"),
    "time": ("govuk-input", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "nullbooleanselect": ("govuk-select", "govuk-select--error"),
    "selectmultiple": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "clearablefile": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
}

# Widgets whose error-summary link goes to the first of several inputs.
_FIRST_OF_MANY = {"radioselect", "checkboxselectmultiple", "govukradioselect", "govukcheckboxes", "govukdate"}


class GovukBoundField(BoundField):
    """A BoundField that knows the GOV.UK ids and classes for its markup.

    Adds read-only helpers for ``templates/govuk/``; nothing Django itself
    calls is changed, so other templates (the admin) render as before.
    """

    @property
    def govuk_id(self) -> str:
        return self.field.widget.attrs.get("id") or self.auto_id or ""

    @property
    def hint_id(self) -> str:
        return f"{self.govuk_id}-hint" if self.govuk_id and self.help_text else ""

    @property
    def error_id(self) -> str:
        return f"{self.govuk_id}-error" if self.govuk_id and self.errors else ""

    @property
    def govuk_describedby(self) -> str:
        """Ids for aria-describedby: any set on the widget, the hint, the error."""
        ids = [self.field.widget.attrs.get("aria-describedby", ""), self.hint_id, self.error_id]
        return " ".join(i for i in ids if i)

    @property
    def is_optional(self) -> bool:
        """Shown with " (optional)". A field that is required only when another is given
        (``field.required_if = "other_field"``) is not optional, and says when in its hint."""
        return not self.field.required and not getattr(self.field, "required_if", None)

    @property
    def error_target_id(self) -> str:
        """The id an error summary link should point at (the first input)."""
        if self.widget_type in _FIRST_OF_MANY:
            if isinstance(self.field.widget, forms.widgets.ChoiceWidget):
                # The first option's own id: grouped options are numbered id_<name>_0_0.
                return self.subwidgets[0].data["attrs"].get("id", "") if self.subwidgets else ""
            return f"{self.govuk_id}_0" if self.govuk_id else ""
        return self.id_for_label or self.govuk_id

    def govuk_widget(self):
        """Render the control with GOV.UK classes and aria-describedby."""
        widget = self.field.widget
        attrs = {}
        classes = _CONTROL_CLASSES.get(self.widget_type)
        if classes:
            base, error = classes
            names = [base]
            if self.errors and error:
                names.append(error)
            if widget.attrs.get("class"):
                names.append(widget.attrs["class"])
            attrs["class"] = " ".join(names)
        if not self.use_fieldset and self.govuk_describedby:
            attrs["aria-describedby"] = self.govuk_describedby
        html = self.as_widget(attrs=attrs)
        if self.field.show_hidden_initial:
            html += self.as_hidden(only_initial=True)
        return html


class GovukFormRenderer(TemplatesSetting):
    """Form renderer that outputs GOV.UK Design System markup."""

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
    bound_field_class = GovukBoundField

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            return select_html(context["widget"])
        return super().render(template_name, context, request)


SELECT_TEMPLATE = "django/forms/widgets/select.html"


def select_html(widget) -> str:
    """Django's select.html, in Python. The template renders each <option> through a template
    of its own; for a plan's three hundred actions that took a tenth of a second per field,
    and the meeting page has several."""
    parts = [f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{escape(group_name)}">')
        parts += [f'<option value="{escape(option["value"])}"{flatatt(option["attrs"]) if option["attrs"] else ""}>'
                  f'{escape(option["label"])}</option>' for option in options]
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class GovukCheckboxes(forms.CheckboxSelectMultiple):
    """GOV.UK small checkboxes; grouped choices (``[(group label, [(value, label), ...]), ...]``)
    are shown in groups, each labelled by its heading.

    ``hints`` maps an option value to hint text shown under that option. With ``filter_label``,
    JavaScript adds a text box of that label above the list that hides the options (and groups)
    whose text does not match (``static/src/app.js``); without JavaScript every option is listed.
    """

    template_name = "govuk/widgets/checkboxes.html"

    def __init__(self, attrs=None, choices=(), *, hints: dict[str, str] | None = None, filter_label: str = ""):
        super().__init__(attrs, choices)
        self.hints = {str(k): v for k, v in (hints or {}).items()}
        self.filter_label = filter_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["filter_label"] = self.filter_label
        return context

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        _add_hint(option, self.hints.get("" if value is None else str(value)))
        return option


def _add_hint(option, hint):
    option["hint"] = hint or ""
    option["hint_id"] = ""
    if hint and option["attrs"].get("id"):
        option["hint_id"] = f"{option['attrs']['id']}-item-hint"
        option["attrs"]["aria-describedby"] = option["hint_id"]


class GovukRadioSelect(forms.RadioSelect):
    """GOV.UK radios, with an optional hint and coloured tag per option.

    ``hints`` maps an option value to hint text shown under that option.
    ``tags`` maps an option value to ``(css modifier, short label)``, e.g.
    ``{"green": ("app-rag--green", "Green")}``; the tag is shown inside the
    option's label, always with its text.
    """

    template_name = "govuk/widgets/radios.html"

    def __init__(
        self,
        attrs=None,
        choices=(),
        *,
        hints: dict[str, str] | None = None,
        tags: dict[str, tuple[str, str]] | None = None,
    ):
        super().__init__(attrs, choices)
        self.hints = {str(k): v for k, v in (hints or {}).items()}
        self.tags = {str(k): tuple(v) for k, v in (tags or {}).items()}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = "" if value is None else str(value)
        _add_hint(option, self.hints.get(key))
        tag = self.tags.get(key)
        option["tag_class"], option["tag_label"] = tag if tag else ("", "")
        return option


_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# GOV.UK asks services to accept month names and their abbreviations too.
_MONTHS = {name: n for n, full in enumerate(_MONTH_NAMES, 1) for name in (full, full[:3])}
_MONTHS["sept"] = 9


class RawDate(str):
    """What a user typed into a date input that is not a real date.

    Equal to ``"day/month/year"``; keeps the three parts so the inputs can be
    shown again exactly as typed and the error message can say what is wrong.
    """

    parts: tuple[str, str, str]

    def __new__(cls, day: str, month: str, year: str):
        obj = super().__new__(cls, f"{day}/{month}/{year}")
        obj.parts = (day, month, year)
        return obj


def _to_int(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[0-9]+", text) else None


def _parse_date(day: str, month: str, year: str) -> datetime.date | None:
    d = _to_int(day)
    m = _to_int(month) or _MONTHS.get(month.lower())
    y = _to_int(year) if len(year) == 4 else None
    if d is None or m is None or y is None:
        return None
    try:
        return datetime.date(y, m, d)
    except ValueError:
        return None


def _parts_in_error(value) -> tuple[bool, bool, bool]:
    """Which of day, month and year to highlight, as GOV.UK asks: only the
    missing parts, or only the year when it is not 4 numbers, else all three."""
    parts = getattr(value, "parts", None)
    if parts:
        missing = tuple(not p for p in parts)
        if any(missing):
            return missing
        if not re.fullmatch(r"[0-9]{4}", parts[2]):
            return (False, False, True)
    return (True, True, True)


class GovukDateInput(forms.MultiWidget):
    """GOV.UK date input: day, month and year text inputs in a fieldset."""

    template_name = "govuk/widgets/date.html"
    _parts = (
        (_("Day"), "govuk-input--width-2"),
        (_("Month"), "govuk-input--width-2"),
        (_("Year"), "govuk-input--width-4"),
    )

    def __init__(self, attrs=None):
        widgets = [forms.TextInput(attrs={"inputmode": "numeric"}) for _ in self._parts]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, RawDate):
            return list(value.parts)
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value:
            try:
                parsed = datetime.date.fromisoformat(value)
            except ValueError:
                pieces = value.split("/")
                return pieces if len(pieces) == 3 else [None, None, None]
            return [str(parsed.day), str(parsed.month), str(parsed.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = ((v or "").strip() for v in super().value_from_datadict(data, files, name))
        if not (day or month or year):
            return None
        parsed = _parse_date(day, month, year)
        if parsed is not None:
            return parsed.isoformat()
        return RawDate(day, month, year)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        invalid = bool(context["widget"]["attrs"].get("aria-invalid"))
        highlight = _parts_in_error(value) if invalid else (False, False, False)
        subwidgets = context["widget"]["subwidgets"]
        for subwidget, (label, width), in_error in zip(subwidgets, self._parts, highlight, strict=True):
            classes = ["govuk-input", "govuk-date-input__input", width]
            if in_error:
                classes.append("govuk-input--error")
            subwidget["label"] = label
            subwidget["attrs"]["class"] = " ".join(classes)
        return context


class GovukDateField(forms.DateField):
    """A date entered as day, month and year, with GOV.UK error messages.

    Pass ``error_messages={"invalid": ...}`` to word the message yourself.
    """

    widget = GovukDateInput
    default_error_messages = {"invalid": _("Enter a real date")}

    def __init__(self, *, input_formats=None, **kwargs):
        self._custom_invalid = "invalid" in (kwargs.get("error_messages") or {})
        super().__init__(input_formats=input_formats or ["%Y-%m-%d"], **kwargs)

    def _subject(self) -> str:
        label = str(self.label or "").strip().rstrip(":")
        if not label or label.endswith("?"):
            return gettext("Date")
        return label[0].upper() + label[1:]

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid" or self._custom_invalid:
                raise
            raise ValidationError(self._invalid_message(value), code="invalid") from None

    def _invalid_message(self, value) -> str:
        subject = self._subject()
        parts = getattr(value, "parts", None)
        if parts:
            missing = tuple(n for n, p in zip(("day", "month", "year"), parts, strict=True) if not p)
            if missing in MISSING_PARTS:
                return str(MISSING_PARTS[missing]) % {"subject": subject}
            if not re.fullmatch(r"[0-9]{4}", parts[2]):
                return gettext("Year must include 4 numbers")
        return gettext("%(subject)s must be a real date") % {"subject": subject}


# What a date given in part lacks, in words ("Due date must include a month").
MISSING_PARTS = {
    ("day",): _("%(subject)s must include a day"),
    ("month",): _("%(subject)s must include a month"),
    ("year",): _("%(subject)s must include a year"),
    ("day", "month"): _("%(subject)s must include a day and month"),
    ("day", "year"): _("%(subject)s must include a day and year"),
    ("month", "year"): _("%(subject)s must include a month and year"),
}


class ConfirmsUnusualValues:
    """A form mixin for values that are possible but unusual (a deadline already passed, a due
    date years ahead): ``clean()`` calls ``self.warn(message)``, and the form is then invalid
    until the user ticks a checkbox, shown after the form's fields with each warning as GOV.UK
    warning text. Sending again with the box ticked (and the same unusual value) saves.
    Impossible values are errors, not warnings.
    """

    confirm_name = "confirm_unusual"
    confirm_label = _("Yes, the date is right")
    confirm_error = _("Check the date: tick ‘Yes, the date is right’ if it is, or change it")

    # A due date further ahead than this is more often a typing slip (2031 for 2013) than a plan.
    FAR_AHEAD_YEARS = 5

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    @property
    def confirm_field(self):
        """The confirmation checkbox as a bound field, when there is something to confirm (for
        templates that render fields one by one; ``{{ form }}`` shows it last by itself)."""
        return self[self.confirm_name] if self.confirm_name in self.fields else None

    def warn_if_far_ahead(self, value: datetime.date | None, what: str, today: datetime.date) -> None:
        if value and value > _years_after(today, self.FAR_AHEAD_YEARS):
            self.warn(gettext("The %(what)s is more than %(years)s years ahead (%(date)s).")
                      % {"what": what, "years": self.FAR_AHEAD_YEARS, "date": date_format(value, "j F Y")})

    def full_clean(self):
        self.warnings: list[str] = []
        self.fields.pop(self.confirm_name, None)
        super().full_clean()
        if not self.is_bound or not self.warnings:
            return
        confirm = forms.BooleanField(label=self.confirm_label, required=False)
        confirm.warnings = self.warnings
        self.fields[self.confirm_name] = confirm
        if not confirm.widget.value_from_datadict(self.data, self.files, self.add_prefix(self.confirm_name)):
            self.add_error(self.confirm_name, self.confirm_error)


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
