"""The boards pages and emails in Welsh: a Welsh browser (or a person who chose Cymraeg) gets
them in Welsh, an English one in English; each reminder email is in its recipient's language."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from boards.models import Board, BoardMember
from boards.reminders import send_round_reminders
from tests.conftest import client_for, make_action

WELSH = {"accept-language": "cy"}


@pytest.fixture(autouse=True)
def _english_again_afterwards():
    """A Welsh request leaves Welsh active in this thread: later tests expect English."""
    yield
    translation.deactivate()


def welsh_page(user, url, **kwargs):
    response = client_for(user).get(url, headers=WELSH, **kwargs)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="cy"' in page
    return page


def test_the_board_list_is_in_welsh(board, chair):
    page = welsh_page(chair, reverse("boards:board_list"))
    assert "<h1 class=\"govuk-heading-xl\">Byrddau</h1>" in page
    assert "Byrddau sy’n goruchwylio cynlluniau y gallwch eu gweld" in page
    assert "Aelodau" in page
    assert "Boards overseeing plans you can see" not in page
    assert ">Members<" not in page


def test_the_meeting_page_is_in_welsh_with_welsh_month_names(meeting, chair):
    page = welsh_page(chair, meeting.get_absolute_url())
    assert "Cyfarfod ar 17 Rhagfyr 2012" in page
    assert "Nodiadau adolygu a heriau" in page
    assert "Penderfyniadau" in page
    assert "Pecyn y bwrdd ar gyfer y cyfarfod hwn" in page
    assert "Meeting on" not in page
    assert "Review notes and challenges" not in page
    assert "Decisions" not in page


def test_the_round_status_page_is_in_welsh(open_round, manager, theme, lead_post):
    make_action(theme, "1.1", leads=[lead_post])
    page = welsh_page(manager, open_round.get_absolute_url())
    assert "Cylch diweddaru" in page
    assert "Anfon nodiadau atgoffa nawr" in page
    assert "Llyfr gwaith all-lein" in page
    assert "Yn ôl arweinydd" in page
    assert "Send reminders now" not in page
    assert "Offline workbook" not in page
    assert "By lead" not in page


def test_the_dashboard_is_in_welsh(plan, chair, meeting):
    page = welsh_page(chair, reverse("boards:dashboard", args=[plan.pk]))
    assert "Statws RAG nawr" in page
    assert "Tuedd RAG dros y 12 cyfnod diwethaf" in page
    assert "Nodiadau adolygu a heriau agored" in page
    assert "RAG status now" not in page
    assert "Movement since" not in page


def test_a_scrutiny_review_form_with_errors_says_so_in_welsh(plan, scrutiny):
    panel = Board.objects.create(name="Scrutiny Task Group", kind=Board.Kind.SCRUTINY_PANEL)
    panel.plans.add(plan)
    BoardMember.objects.create(board=panel, user=scrutiny, role="officer")
    response = client_for(scrutiny).post(reverse("boards:review_create", args=[plan.pk]), {"title": ""},
                                         headers=WELSH)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="cy"' in page
    assert "<title>Gwall: Dechrau adolygiad craffu" in page
    assert "Rhowch deitl" in page
    assert "Dewiswch y panel craffu" in page
    assert "Enter a title" not in page
    assert "Start a scrutiny review" not in page


def test_a_person_who_chose_welsh_gets_the_pages_in_welsh_without_asking(board, chair):
    chair.language = "cy"
    chair.save()
    response = client_for(chair).get(reverse("boards:board_list"))
    assert '<html lang="cy"' in response.content.decode()


@pytest.fixture
def leads_with_missing_updates(theme, lead, lead2, lead_post, lead2_post, open_round):
    lead.email, lead.language = "lead@example.org", "cy"
    lead2.email, lead2.language = "lead2@example.org", "en-gb"
    lead.save()
    lead2.save()
    make_action(theme, "1.1", leads=[lead_post])
    make_action(theme, "1.2", leads=[lead2_post])


def test_a_reminder_is_in_welsh_for_a_lead_who_chose_welsh_and_english_for_one_who_did_not(
        leads_with_missing_updates, open_round):
    result = send_round_reminders(open_round, as_of=datetime.date(2012, 12, 7), manual=True,
                                  base_url="https://plans.example.org")
    assert result.sent == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}

    welsh = by_recipient["lead@example.org"]
    assert welsh.subject.startswith("Nodyn atgoffa:")
    assert "10 Rhagfyr 2012" in welsh.subject
    assert "Annwyl" in welsh.body and "Eich holl gamau gweithredu:" in welsh.body
    assert "1.1" in welsh.body
    assert "Dear" not in welsh.body and "Reminder:" not in welsh.subject

    english = by_recipient["lead2@example.org"]
    assert english.subject.startswith("Reminder:")
    assert "10 December 2012" in english.subject
    assert "Dear" in english.body and "All your actions:" in english.body
    assert "Annwyl" not in english.body
