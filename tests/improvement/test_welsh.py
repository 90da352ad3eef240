"""The core app's pages in Welsh: the plan, the action, "My actions", the record-an-update form
(with an error) and the scorecard, as the lead and the manager see them when the browser asks for
Cymraeg or the person has chosen it. Only the words of these pages' own templates are checked here;
the page frame (base.html) and the words made in Python have tests of their own."""

import html

from django.urls import reverse

from improvement.models import Update
from tests.conftest import client_for

WELSH = {"accept-language": "cy"}


def welsh_page(user, url, **kwargs):
    response = client_for(user).get(url, headers=WELSH, **kwargs)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_plan_page_is_in_welsh_for_the_manager(plan, theme, action, manager):
    page = welsh_page(manager, plan.get_absolute_url())

    assert '<html lang="cy"' in page
    for welsh in ("Cynnydd fesul statws RAG", "Mesurau effaith", "Themâu", "Rheoli'r cynllun hwn",
                  "Y cyfnod adrodd diweddaraf", "Y cynllun cyfan", "Trosolwg", "Pob cam gweithredu"):
        assert welsh in page
    for english in ("Progress by RAG status", "Measures of impact", "Manage this plan", "Latest reporting period",
                    "Whole plan"):
        assert english not in page


def test_the_action_page_is_in_welsh_for_the_lead(action, lead):
    page = welsh_page(lead, action.get_absolute_url())

    assert '<html lang="cy"' in page
    for welsh in (f"Cam gweithredu {action.number}", "Statws presennol", "Cofnodi diweddariad", "Hanes RAG",
                  "Asiantaeth arweiniol", "Dyddiad targed", "Dim diweddariadau wedi'u cofnodi eto."):
        assert welsh in page
    for english in ("Current status", "RAG history", "Lead agency", "No updates recorded yet."):
        assert english not in page


def test_my_actions_is_in_welsh_for_the_lead(action, lead):
    page = welsh_page(lead, reverse("improvement:my_actions"))

    assert '<html lang="cy"' in page
    assert "Fy nghamau gweithredu" in page
    assert "Angen diweddariad (1)" in page
    assert "Cynllun a chyfnod" in page
    assert "Needing an update" not in page
    assert "Plan and period" not in page


def test_the_update_form_and_its_error_are_in_welsh_for_the_lead(action, lead):
    url = reverse("improvement:record_update", args=[action.pk])
    page = welsh_page(lead, url)
    assert '<html lang="cy"' in page
    assert f"Cofnodi diweddariad ar gyfer cam gweithredu {action.number}" in page
    assert "Dyddiad diwygiedig" in page
    assert "Cadw'r diweddariad" in page
    assert "Save update" not in page

    response = client_for(lead).post(url, {"note": "Nothing chosen"}, headers=WELSH)

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert '<html lang="cy"' in page
    assert f"<title>Gwall: Cofnodi diweddariad ar gyfer cam gweithredu {action.number}" in page
    assert "Y statws a adroddwyd ddiwethaf:" in page
    assert "Last reported status" not in page
    assert not Update.objects.filter(action=action).exists()


def test_the_scorecard_is_in_welsh_for_the_manager(plan, measure, manager):
    page = welsh_page(manager, reverse("improvement:measure_list", args=[plan.pk]))

    assert '<html lang="cy"' in page
    for welsh in ("Mesurau effaith:", "Gwerth diweddaraf", "Cyfeiriad teithio", "Tuedd", "Ychwanegu mesur"):
        assert welsh in page
    for english in ("Latest value", "Direction of travel", "Trend", "Add a measure"):
        assert english not in page


def test_a_person_who_chose_welsh_sees_it_without_asking_in_the_browser(action, lead):
    lead.language = "cy"
    lead.save()

    page = client_for(lead).get(action.get_absolute_url()).content.decode()

    assert '<html lang="cy"' in page
    assert "Hanes RAG" in page


def test_the_same_pages_stay_in_english_by_default(action, lead):
    page = client_for(lead).get(action.get_absolute_url()).content.decode()

    assert "RAG history" in page
    assert "Hanes RAG" not in page


def test_managing_the_plan_is_in_welsh_for_the_manager(plan, theme, manager):
    page = welsh_page(manager, reverse("improvement:plan_manage", args=[plan.pk]))

    assert '<html lang="cy"' in page
    for welsh in ("Rheoli'r cynllun hwn", "Themâu ac amcanion", "Swyddi a deiliaid", "Pobl a rolau"):
        assert welsh in page
    assert "Themes and objectives" not in page
    page = welsh_page(manager, reverse("improvement:theme_list", args=[plan.pk]))
    assert "Ychwanegu thema" in page
    assert "Add a theme" not in page


def test_the_site_pages_are_in_welsh(lead):
    for name, welsh, english in (
            ("improvement:accessibility", "Datganiad hygyrchedd ar gyfer Cynlluniau gwella", "How we tested this service"),
            ("improvement:cookies", "Cwcis hanfodol", "Essential cookies"),
            ("improvement:privacy", "Beth rydym yn ei gadw ac am ba hyd", "What we keep and for how long")):
        page = welsh_page(lead, reverse(name))
        assert '<html lang="cy"' in page
        assert welsh in page
        assert english not in page
