"""GOV.UK form rendering: templates/govuk/, includes/ and improvement.forms_rendering."""

import datetime
import re

import pytest
from django import forms
from django.core.paginator import Paginator
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string

from improvement.forms_rendering import (
    GovukDateField,
    GovukDateInput,
    GovukFormRenderer,
    GovukRadioSelect,
)

RENDERER = GovukFormRenderer()


class ActionForm(forms.Form):
    title = forms.CharField(label="Action title", help_text="Keep it short")
    note = forms.CharField(label="Review note", required=False, widget=forms.Textarea)
    status = forms.ChoiceField(
        label="Status",
        choices=[("green", "On track"), ("red", "Off track")],
        widget=GovukRadioSelect(
            hints={"green": "Will finish on time"},
            tags={"green": ("app-rag--green", "Green"), "red": ("app-rag--red", "Red")},
        ),
    )
    due = GovukDateField(label="Revised due date", help_text="For example, 31 3 2026")


def make_form(data=None):
    return ActionForm(data=data, renderer=RENDERER)


def tag_with_id(html, element_id):
    match = re.search(rf'<[a-z]+ [^>]*id="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element with id {element_id}"
    return match.group(0)


def date_data(day, month, year):
    return {"due_0": day, "due_1": month, "due_2": year}


# Text inputs, labels, hints and errors


def test_text_field_with_an_error_is_marked_as_an_error_group():
    form = make_form({"status": "green"})
    html = form["title"].as_field_group()

    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert '<p id="id_title-error" class="govuk-error-message">' in html
    assert '<span class="govuk-visually-hidden">Error:</span> This field is required.' in html


def test_input_is_described_by_its_hint_then_its_error():
    form = make_form({"status": "green"})
    html = form["title"].as_field_group()

    assert '<div id="id_title-hint" class="govuk-hint">Keep it short</div>' in html
    input_tag = tag_with_id(html, "id_title")
    assert 'aria-describedby="id_title-hint id_title-error"' in input_tag
    assert 'class="govuk-input govuk-input--error"' in input_tag


def test_label_is_tied_to_its_input():
    html = make_form()["title"].as_field_group()

    assert '<label class="govuk-label govuk-label--s" for="id_title">Action title</label>' in html


def test_required_field_label_has_no_marker():
    html = make_form()["title"].as_field_group()

    assert "Action title</label>" in html
    assert "*" not in html
    assert "(optional)" not in html


def test_optional_field_label_ends_with_optional():
    html = make_form()["note"].as_field_group()

    assert "Review note (optional)</label>" in html
    assert 'class="govuk-textarea"' in html


def test_field_without_errors_has_no_error_markup():
    html = make_form()["title"].as_field_group()

    assert "govuk-form-group--error" not in html
    assert "govuk-error-message" not in html
    assert 'aria-describedby="id_title-hint"' in html


def test_plain_widget_rendering_keeps_django_behaviour_for_the_admin():
    form = make_form({"status": "green"})

    assert 'aria-describedby="id_title_helptext id_title_error"' in str(form["title"])


def test_form_with_its_own_bound_field_class_still_renders_its_controls():
    class Form(forms.Form):
        bound_field_class = BoundField
        name = forms.CharField(label="Name")

    html = Form(renderer=RENDERER)["name"].as_field_group()

    assert '<input type="text" name="name"' in html


# Radios with hints and RAG tags


def test_radio_select_shows_option_hints_and_tags():
    html = make_form()["status"].as_field_group()

    assert '<fieldset class="govuk-fieldset">' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Status</legend>' in html
    assert 'class="govuk-radios" data-module="govuk-radios"' in html
    assert '<strong class="govuk-tag app-rag app-rag--green">Green</strong> On track' in html
    assert '<strong class="govuk-tag app-rag app-rag--red">Red</strong> Off track' in html
    assert (
        '<div id="id_status_0-item-hint" class="govuk-hint govuk-radios__hint">Will finish on time</div>'
    ) in html
    assert 'aria-describedby="id_status_0-item-hint"' in tag_with_id(html, "id_status_0")
    assert "aria-describedby" not in tag_with_id(html, "id_status_1")


def test_radio_select_marks_the_chosen_option_checked():
    html = make_form({"status": "red"})["status"].as_field_group()

    assert " checked" in tag_with_id(html, "id_status_1")
    assert " checked" not in tag_with_id(html, "id_status_0")


def test_radio_labels_point_at_their_inputs():
    html = make_form()["status"].as_field_group()

    assert '<label class="govuk-label govuk-radios__label" for="id_status_0">' in html
    assert '<label class="govuk-label govuk-radios__label" for="id_status_1">' in html


# Date input


@pytest.mark.parametrize("day, month, year", [("", "", ""), ("  ", " ", "")])
def test_date_input_returns_none_when_all_parts_are_empty(day, month, year):
    widget = GovukDateInput()

    assert widget.value_from_datadict(date_data(day, month, year), {}, "due") is None


def test_date_input_returns_none_when_the_inputs_are_missing():
    assert GovukDateInput().value_from_datadict({}, {}, "due") is None


def test_date_input_returns_an_iso_date_for_a_real_date():
    widget = GovukDateInput()

    assert widget.value_from_datadict(date_data("28", "2", "2025"), {}, "due") == "2025-02-28"
    assert widget.value_from_datadict(date_data(" 1 ", "03", "2024"), {}, "due") == "2024-03-01"


def test_date_input_accepts_month_names():
    widget = GovukDateInput()

    assert widget.value_from_datadict(date_data("5", "Sept", "2025"), {}, "due") == "2025-09-05"
    assert widget.value_from_datadict(date_data("5", "march", "2025"), {}, "due") == "2025-03-05"


@pytest.mark.parametrize(
    "day, month, year, raw",
    [
        ("31", "2", "2025", "31/2/2025"),
        ("1", "13", "2025", "1/13/2025"),
        ("1", "", "2025", "1//2025"),
        ("1", "2", "25", "1/2/25"),
        ("x", "2", "2025", "x/2/2025"),
    ],
)
def test_date_input_returns_the_raw_text_when_it_is_not_a_real_date(day, month, year, raw):
    widget = GovukDateInput()

    assert widget.value_from_datadict(date_data(day, month, year), {}, "due") == raw


def test_date_input_shows_a_date_in_its_three_inputs():
    assert GovukDateInput().decompress(datetime.date(2025, 3, 9)) == ["9", "3", "2025"]
    assert GovukDateInput().decompress(None) == [None, None, None]


def test_date_field_accepts_a_real_date():
    form = make_form({"title": "T", "status": "green", **date_data("28", "2", "2025")})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["due"] == datetime.date(2025, 2, 28)


def test_date_field_rejects_impossible_date():
    form = make_form({"title": "T", "status": "green", **date_data("31", "02", "2025")})

    assert not form.is_valid()
    assert form.errors["due"] == ["Revised due date must be a real date"]


def test_date_field_says_which_part_is_missing():
    form = make_form({"title": "T", "status": "green", **date_data("31", "", "2025")})

    assert form.errors["due"] == ["Revised due date must include a month"]


def test_date_field_asks_for_a_four_digit_year():
    form = make_form({"title": "T", "status": "green", **date_data("3", "2", "25")})

    assert form.errors["due"] == ["Year must include 4 numbers"]


def test_date_field_without_a_label_still_explains_the_problem():
    class Form(forms.Form):
        when = GovukDateField()

    form = Form({"when_0": "30", "when_1": "2", "when_2": "2024"}, renderer=RENDERER)

    assert form.errors["when"] == ["Date must be a real date"]


def test_date_field_error_message_can_be_replaced():
    class Form(forms.Form):
        when = GovukDateField(error_messages={"invalid": "Enter the date of the meeting"})

    form = Form({"when_0": "30", "when_1": "2", "when_2": "2024"}, renderer=RENDERER)

    assert form.errors["when"] == ["Enter the date of the meeting"]


def test_date_field_is_a_described_group_of_three_labelled_inputs():
    form = make_form({"title": "T", "status": "green", **date_data("31", "2", "2025")})
    html = form["due"].as_field_group()

    assert (
        '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_due-hint id_due-error">'
    ) in html
    assert '<div class="govuk-date-input" id="id_due">' in html
    for index, label, width in [(0, "Day", 2), (1, "Month", 2), (2, "Year", 4)]:
        assert f'for="id_due_{index}">{label}</label>' in html
        tag = tag_with_id(html, f"id_due_{index}")
        assert 'inputmode="numeric"' in tag
        assert f"govuk-input--width-{width}" in tag
        assert "govuk-input--error" in tag


def test_date_field_shows_what_was_typed_after_an_error():
    form = make_form({"title": "T", "status": "green", **date_data("31", "2", "2025")})
    html = form["due"].as_field_group()

    assert 'value="31"' in tag_with_id(html, "id_due_0")
    assert 'value="2"' in tag_with_id(html, "id_due_1")
    assert 'value="2025"' in tag_with_id(html, "id_due_2")


def test_date_field_highlights_only_the_missing_part():
    form = make_form({"title": "T", "status": "green", **date_data("31", "", "2025")})
    html = form["due"].as_field_group()

    assert "govuk-input--error" not in tag_with_id(html, "id_due_0")
    assert "govuk-input--error" in tag_with_id(html, "id_due_1")
    assert "govuk-input--error" not in tag_with_id(html, "id_due_2")


def test_date_field_shows_its_initial_date():
    form = ActionForm(initial={"due": datetime.date(2026, 1, 5)}, renderer=RENDERER)
    html = form["due"].as_field_group()

    assert 'value="5"' in tag_with_id(html, "id_due_0")
    assert 'value="1"' in tag_with_id(html, "id_due_1")
    assert 'value="2026"' in tag_with_id(html, "id_due_2")


# Whole form and error summary


def test_form_renders_every_field_as_a_govuk_form_group():
    html = make_form().render()

    assert html.count('<div class="govuk-form-group">') >= 4
    assert "<table" not in html


def test_error_summary_links_each_error_to_its_control():
    form = make_form({"status": "", **date_data("31", "2", "2025")})
    html = render_to_string("includes/error_summary.html", {"form": form})

    assert 'data-module="govuk-error-summary"' in html
    assert '<div role="alert">' in html
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert '<a href="#id_title">This field is required.</a>' in html
    assert '<a href="#id_status_0">This field is required.</a>' in html
    assert '<a href="#id_due_0">Revised due date must be a real date</a>' in html


def test_error_summary_lists_non_field_errors_first():
    class Form(forms.Form):
        name = forms.CharField(label="Name")

        def clean(self):
            raise forms.ValidationError("These details do not match")

    form = Form({"name": "x"}, renderer=RENDERER)
    html = render_to_string("includes/error_summary.html", {"form": form})

    assert "<li>These details do not match</li>" in html


def test_error_summary_is_not_shown_without_errors():
    html = render_to_string("includes/error_summary.html", {"form": make_form()})

    assert html.strip() == ""


# Pagination


def test_pagination_keeps_other_query_parameters():
    page = Paginator(list(range(100)), 10).page(5)
    html = render_to_string(
        "includes/pagination.html", {"page_obj": page, "query_without_page": "status=red&sort=due"}
    )

    assert '<nav class="govuk-pagination" aria-label="Pagination">' in html
    assert 'href="?status=red&amp;sort=due&amp;page=4" rel="prev"' in html
    assert 'href="?status=red&amp;sort=due&amp;page=6" rel="next"' in html
    assert 'aria-label="Page 5" aria-current="page"' in html
    assert 'aria-label="Page 1"' in html
    assert 'aria-label="Page 10"' in html
    assert 'aria-label="Page 8"' not in html
    assert html.count("govuk-pagination__item--ellipsis") == 2


def test_pagination_without_a_query_links_to_the_page_alone():
    page = Paginator(list(range(30)), 10).page(1)
    html = render_to_string("includes/pagination.html", {"page_obj": page, "query_without_page": ""})

    assert 'href="?page=2" rel="next"' in html
    assert 'rel="prev"' not in html


def test_pagination_is_not_shown_for_a_single_page():
    page = Paginator(list(range(5)), 10).page(1)
    html = render_to_string("includes/pagination.html", {"page_obj": page, "query_without_page": ""})

    assert html.strip() == ""


# Page template


def test_sign_in_page_has_no_inline_script_or_style(client):
    response = client.get("/sign-in/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "style=" not in html
    assert "<style" not in html
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S):
        assert script.strip() == ""
    assert '<script src="/static/dist/js-enabled.js"></script>' in html
    assert '<script type="module" src="/static/dist/app.js"></script>' in html


def test_sign_in_page_follows_the_govuk_template(client):
    html = client.get("/sign-in/").content.decode()

    assert '<html lang="en-gb" class="govuk-template">' in html
    assert '<body class="govuk-template__body">' in html
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert html.count("<h1") == 1
    assert "<title>Sign in – Improvement plans</title>" in html
    assert "Sign out" not in html
    assert "govuk-footer__crown" not in html
    assert "Open Government Licence" not in html


def test_sign_in_errors_are_summarised_and_titled(client):
    html = client.post("/sign-in/", {"username": "", "password": ""}).content.decode()

    assert "<title>Error: Sign in – Improvement plans</title>" in html
    assert '<a href="#id_username">' in html
    assert 'aria-describedby="id_password-error"' in html


def test_server_error_page_needs_no_context():
    html = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in html
    assert '<link rel="stylesheet" href="/static/dist/app.css">' in html
    assert "{%" not in html


@pytest.mark.parametrize("widget, value", [
    (forms.Select(attrs={"class": "govuk-select", "aria-describedby": "x-hint"}), "2"),
    (forms.SelectMultiple(attrs={"disabled": True}), ["1", "3"]),
    (forms.Select(), None),
])
def test_selects_render_as_djangos_own_template_would_but_faster(widget, value):
    from django.forms.renderers import DjangoTemplates
    from django.test.html import parse_html

    widget.choices = [("", "Choose"), ("1", "1.1 <Thresholds> & “quotes”"),
                      ("Theme 2", [("2", "2.1 Audit"), ("3", "2.2 Supervision")])]
    ours = widget.render("action", value, attrs={"id": "id_action"}, renderer=RENDERER)
    djangos = widget.render("action", value, attrs={"id": "id_action"}, renderer=DjangoTemplates())
    assert parse_html(ours) == parse_html(djangos)
    assert "&lt;Thresholds&gt; &amp;" in ours
