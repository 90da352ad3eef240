"""The Atom feed of a plan's publications: approved text only, newest first, empty when switched off."""

from django.test import Client
from django.urls import reverse

from publication.models import PublicSummary
from tests.publication.conftest import write


def feed(slug, **headers):
    return Client().get(reverse("publication:feed", args=[slug]), headers=headers)


def test_the_feed_has_an_entry_per_publication_newest_first(plan, theme, manager, approver, published, pub_settings):
    response = feed(pub_settings.public_slug)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    assert text.count("<entry>") == 2
    assert text.index("Progress update 2") < text.index("Progress update 1")
    assert "Our public plan title: progress updates" in text
    assert "Partners now meet every month." in text


def test_the_feed_leaves_out_drafts_and_names(plan, theme, manager, approver, published, pub_settings):
    write(plan, by=manager, theme=theme, summary_en="An unapproved draft.", submit=False)
    text = feed(pub_settings.public_slug).content.decode()
    assert "An unapproved draft." not in text
    for person in (manager, approver):
        assert person.username not in text.replace("Progress", "")
        assert person.first_name not in text


def test_the_feed_sends_the_public_headers(published, pub_settings):
    response = feed(pub_settings.public_slug)
    assert response["Cache-Control"] == "public, max-age=60"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert not response.cookies


def test_switched_off_the_feed_empties(published, pub_settings):
    pub_settings.is_published = False
    pub_settings.save()
    text = feed(pub_settings.public_slug).content.decode()
    assert "<entry>" not in text and "This plan is not published." in text


def test_the_feed_in_welsh(published, pub_settings):
    text = feed(pub_settings.public_slug, **{"accept-language": "cy"}).content.decode()
    assert "Teitl ein cynllun: diweddariadau cynnydd" in text
    assert PublicSummary.objects.count() == 2
