"""The publication pages in Welsh: the signed-in pages and the public page."""

from django.urls import reverse

from tests.conftest import client_for

WELSH = {"accept-language": "cy"}


def test_the_publication_page_in_welsh(plan, theme, manager, pub_settings):
    html = client_for(manager).get(reverse("publication:overview", args=[plan.pk]), headers=WELSH).content.decode()
    assert '<html lang="cy"' in html
    assert "Crynodebau cyhoeddus a chyhoeddi" in html and "Diffodd y cyhoeddi nawr" in html
    assert "Switch off publication now" not in html


def test_the_draft_form_and_its_reading_age_in_welsh(plan, theme, manager, pub_settings):
    response = client_for(manager).post(reverse("publication:write_theme", args=[plan.pk, theme.pk]),
                                        {"intent": "check", "title_en": "Partners", "summary_en": "We meet monthly.",
                                         "status": "done"}, headers=WELSH)
    html = response.content.decode()
    assert "Oedran darllen tua" in html and "Gwirio’r oedran darllen" in html
    assert "Reading age about" not in html


def test_the_public_page_in_welsh(published, pub_settings):
    html = client_for(None).get(reverse("publication:public_page", args=[pub_settings.public_slug]),
                                headers=WELSH).content.decode()
    assert '<html lang="cy"' in html and "Cynnydd fesul thema" in html and "Ar y gweill" in html
    assert "Progress by theme" not in html
