"""The signed-in publication pages: writing with a reading age, the approver's queue, approve and
return, settings and switching off, and who may do what."""

from django.urls import reverse

from publication.models import PublicationSettings, PublicSummary
from tests.conftest import client_for, status
from tests.publication.conftest import write


def test_a_manager_drafts_a_theme_summary_and_sees_its_reading_age(plan, theme, manager, pub_settings):
    url = reverse("publication:write_theme", args=[plan.pk, theme.pk])
    response = client_for(manager).post(url, {"intent": "check", "title_en": "Partners",
                                              "summary_en": "We meet every month. We check how children are kept safe.",
                                              "status": "in_progress"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reading age about" in html and "Flesch-Kincaid grade" in html and "Flesch reading ease" in html
    assert not PublicSummary.objects.exists()  # checking saves nothing
    response = client_for(manager).post(url, {"intent": "submit", "title_en": "Partners",
                                              "summary_en": "We meet every month.", "status": "in_progress"})
    assert response.status_code == 302
    summary = PublicSummary.objects.get(theme=theme)
    assert summary.state == PublicSummary.State.SUBMITTED and summary.written_by == manager


def test_a_summary_needs_its_english_text_and_status(plan, theme, manager, pub_settings):
    response = client_for(manager).post(reverse("publication:write_theme", args=[plan.pk, theme.pk]),
                                        {"intent": "save", "title_en": "", "summary_en": ""})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode() and "Select the public status" in response.content.decode()


def test_the_status_choices_follow_the_plans_vocabulary(plan, theme, manager, pub_settings):
    pub_settings.vocabulary = "scheme"
    pub_settings.save()
    html = client_for(manager).get(reverse("publication:write_theme", args=[plan.pk, theme.pk])).content.decode()
    assert 'value="G"' in html and "Green" in html and 'value="in_progress"' not in html
    pub_settings.vocabulary = "simple"
    pub_settings.save()
    html = client_for(manager).get(reverse("publication:write_theme", args=[plan.pk, theme.pk])).content.decode()
    assert 'value="in_progress"' in html and "Not yet started" in html and 'value="G"' not in html


def test_a_scheme_status_is_published_with_its_label(plan, theme, manager, approver, pub_settings):
    pub_settings.vocabulary = "scheme"
    pub_settings.save()
    summary = write(plan, by=manager, theme=theme, title_en="Partners", summary_en="We meet.", status="G")
    summary.approve(by=approver)
    html = client_for(None).get(reverse("publication:public_page", args=[pub_settings.public_slug])).content.decode()
    assert ">Green<" in html


def test_the_approver_sees_the_queue_and_approves(plan, theme, manager, approver, pub_settings):
    summary = write(plan, by=manager, theme=theme, title_en="Partners", summary_en="We meet.", status="done")
    queue = client_for(approver).get(reverse("publication:approvals")).content.decode()
    assert "Partnership and governance" in queue
    assert reverse("publication:review", args=[plan.pk, summary.pk]) in queue
    response = client_for(approver).post(reverse("publication:approve", args=[plan.pk, summary.pk]))
    assert response.status_code == 302
    assert plan.publications.count() == 1


def test_the_writer_is_refused_approval_even_as_an_approver(plan, theme, manager, approver, pub_settings):
    from improvement.models import PlanRole

    PlanRole.objects.create(plan=plan, user=manager, role=PlanRole.Role.PUBLICATION_APPROVER)
    summary = write(plan, by=manager, theme=theme, title_en="Partners", summary_en="We meet.", status="done")
    page = client_for(manager).get(reverse("publication:review", args=[plan.pk, summary.pk])).content.decode()
    assert "someone else must approve it" in page and "Approve and publish" not in page
    response = client_for(manager).post(reverse("publication:approve", args=[plan.pk, summary.pk]))
    assert response.status_code == 403
    assert not plan.publications.exists()


def test_the_approver_returns_a_summary_with_a_reason(plan, theme, manager, approver, pub_settings):
    summary = write(plan, by=manager, theme=theme, title_en="Partners", summary_en="We meet.", status="done")
    url = reverse("publication:send_back", args=[plan.pk, summary.pk])
    assert client_for(approver).post(url, {"note": ""}).status_code == 400
    assert client_for(approver).post(url, {"note": "Say what changed for families."}).status_code == 302
    summary.refresh_from_db()
    assert summary.state == PublicSummary.State.DRAFT and summary.returned_note == "Say what changed for families."
    overview = client_for(manager).get(reverse("publication:overview", args=[plan.pk])).content.decode()
    assert "Say what changed for families." in overview


def test_the_overview_flags_a_summary_changed_since_published(plan, theme, action, lead, scheme, manager, published):
    url = reverse("publication:overview", args=[plan.pk])
    assert "Changed since published" not in client_for(manager).get(url).content.decode()
    action.record_update(status=status(scheme, "R"), note="Stalled", by=lead)
    html = client_for(manager).get(url).content.decode()
    assert "Changed since published" in html


def test_a_manager_switches_publication_off_at_once(plan, manager, published, pub_settings):
    response = client_for(manager).post(reverse("publication:switch_off", args=[plan.pk]))
    assert response.status_code == 302
    assert not PublicationSettings.objects.get(pk=pub_settings.pk).is_published
    public = client_for(None).get(reverse("publication:public_page", args=[pub_settings.public_slug]))
    assert "This plan is not published" in public.content.decode()


def test_settings_turn_publication_on_and_choose_the_vocabulary(plan, manager):
    url = reverse("publication:settings", args=[plan.pk])
    assert client_for(manager).get(url).status_code == 200
    response = client_for(manager).post(url, {"is_published": "yes", "vocabulary": "scheme"})
    assert response.status_code == 302
    settings_ = PublicationSettings.objects.get(plan=plan)
    assert settings_.is_published and settings_.vocabulary == "scheme"
    assert settings_.public_slug == plan.slug


def test_the_public_address_does_not_follow_a_rename(plan, manager):
    settings_ = PublicationSettings.of(plan)
    plan.slug = "renamed"
    plan.save()
    assert PublicationSettings.of(plan).public_slug == settings_.public_slug == "sip"


def test_the_manage_hub_links_to_publication(plan, manager):
    html = client_for(manager).get(reverse("improvement:plan_manage", args=[plan.pk])).content.decode()
    assert reverse("publication:overview", args=[plan.pk]) in html


def test_readers_without_a_role_get_403_and_outsiders_404(plan, theme, viewer, outsider, approver):
    overview = reverse("publication:overview", args=[plan.pk])
    assert client_for(viewer).get(overview).status_code == 403
    assert client_for(outsider).get(overview).status_code == 404
    assert client_for(approver).get(overview).status_code == 200
    write_url = reverse("publication:write_theme", args=[plan.pk, theme.pk])
    assert client_for(approver).get(write_url).status_code == 403  # approvers approve, managers write
