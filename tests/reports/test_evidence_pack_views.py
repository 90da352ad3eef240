"""The evidence pack pages (reports/evidence_views.py): the plan's list and the form, a pack's
page, the download; who may do what; bad input shown again with a message, writing nothing."""

import datetime
import hashlib

import pytest
from django.urls import reverse

from improvement.models import Evidence
from reports.models import EvidencePack
from tests.conftest import client_for, count_queries, make_action, status
from tests.reports.test_evidence_packs import upload


@pytest.fixture
def evidence_plan(frozen_today, plan, theme, scheme, lead, recommendation):
    action = make_action(theme, "1.1", description="Review thresholds")
    action.recommendations.add(recommendation)
    action.record_update(status=status(scheme, "G"), note="Agreed", by=lead,
                         evidence=[upload("plan.pdf", b"%PDF-1.4 plan")])
    return plan


def ask(client, plan, day="20", month="12", year="2012", contents="full", **extra):
    return client.post(reverse("reports:evidence_pack_build", args=[plan.pk]),
                       {"as_at_0": day, "as_at_1": month, "as_at_2": year, "contents": contents, **extra})


def test_manager_builds_a_pack_and_downloads_the_zip_with_its_checksum(evidence_plan, manager, on_commit):
    client = client_for(manager)
    page = client.get(reverse("reports:evidence_packs", args=[evidence_plan.pk]))
    assert page.status_code == 200 and b"Build the evidence pack" in page.content
    with on_commit():
        response = ask(client, evidence_plan)
    pack = EvidencePack.objects.get()
    assert response.status_code == 302 and response.url == pack.get_absolute_url()
    detail = client.get(response.url)
    assert b"Version 1 built" in detail.content and pack.checksum.encode() in detail.content
    download = client.get(reverse("reports:evidence_pack_download", args=[pack.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download["X-Checksum-SHA256"] == pack.checksum
    assert "evidence-pack-sip-2012-12-20-v1.zip" in download["Content-Disposition"]
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == pack.checksum


def test_a_reader_sees_the_packs_but_not_the_form_and_cannot_build(evidence_plan, viewer):
    client = client_for(viewer)
    page = client.get(reverse("reports:evidence_packs", args=[evidence_plan.pk]))
    assert page.status_code == 200 and b"Build the evidence pack" not in page.content
    assert b"The plan\xe2\x80\x99s managers build them" in page.content
    assert ask(client, evidence_plan).status_code == 403
    assert not EvidencePack.objects.exists()


def test_an_outsider_gets_404_everywhere(evidence_plan, outsider, manager, on_commit):
    with on_commit():
        ask(client_for(manager), evidence_plan)
    pack = EvidencePack.objects.get()
    client = client_for(outsider)
    for url in (reverse("reports:evidence_packs", args=[evidence_plan.pk]),
                reverse("reports:evidence_pack_detail", args=[pack.pk]),
                reverse("reports:evidence_pack_download", args=[pack.pk])):
        assert client.get(url).status_code == 404
    assert ask(client, evidence_plan).status_code == 404


def test_the_pages_refuse_the_wrong_method(evidence_plan, manager):
    client = client_for(manager)
    assert client.get(reverse("reports:evidence_pack_build", args=[evidence_plan.pk])).status_code == 405
    assert client.post(reverse("reports:evidence_packs", args=[evidence_plan.pk])).status_code == 405


def test_a_date_in_the_future_is_refused_with_a_message_and_nothing_written(evidence_plan, manager):
    response = ask(client_for(manager), evidence_plan, day="21")
    assert response.status_code == 400
    assert "The date must be today (20 December 2012) or earlier" in response.content.decode()
    assert b"There is a problem" in response.content
    assert not EvidencePack.objects.exists()


def test_a_date_that_is_not_real_is_refused(evidence_plan, manager):
    response = ask(client_for(manager), evidence_plan, day="31", month="2")
    assert response.status_code == 400 and not EvidencePack.objects.exists()
    assert b'<a href="#id_as_at_0">Date the pack is as at must be a real date</a>' in response.content


def test_a_pack_over_the_size_limit_is_refused_and_the_index_alone_offered(evidence_plan, manager, settings,
                                                                          on_commit):
    settings.EVIDENCE_PACK_MAX_BYTES = 5
    client = client_for(manager)
    response = ask(client, evidence_plan)
    assert response.status_code == 400
    text = response.content.decode()
    assert "The evidence files come to 13\xa0bytes, more than the 5\xa0bytes an evidence pack may hold" in text
    assert "Choose “The index alone”" in text
    assert not EvidencePack.objects.exists()
    with on_commit():
        assert ask(client, evidence_plan, contents="index").status_code == 302
    pack = EvidencePack.objects.get()
    assert pack.status == "ready" and pack.is_index_only


def test_a_pack_with_a_draft_self_evaluation_is_for_the_managers_only(evidence_plan, manager, viewer, on_commit):
    with on_commit():
        ask(client_for(manager), evidence_plan, with_self_evaluation="on")
    pack = EvidencePack.objects.get()
    assert pack.with_self_evaluation
    url = reverse("reports:evidence_pack_download", args=[pack.pk])
    assert client_for(manager).get(url).status_code == 200
    assert client_for(viewer).get(url).status_code == 403
    detail = client_for(viewer).get(pack.get_absolute_url())
    assert b"only the plan\xe2\x80\x99s managers download it" in detail.content


def test_a_missing_evidence_file_is_named_on_the_packs_page(evidence_plan, manager, on_commit):
    gone = Evidence.objects.get()
    gone.file.storage.delete(gone.file.name)
    with on_commit():
        ask(client_for(manager), evidence_plan)
    detail = client_for(manager).get(EvidencePack.objects.get().get_absolute_url()).content.decode()
    assert "1 evidence file could not be found in storage" in detail and "1.1: Evidence plan.pdf" in detail


def test_a_failed_build_says_why(evidence_plan, manager, monkeypatch, on_commit):
    from reports import evidencepacks

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(evidencepacks, "write_pack", broken)
    with on_commit():
        ask(client_for(manager), evidence_plan)
    pack = EvidencePack.objects.get()
    assert pack.status == "failed"
    detail = client_for(manager).get(pack.get_absolute_url()).content.decode()
    assert "The evidence pack could not be built" in detail and "disk full" in detail
    assert "Build it again" in detail
    assert client_for(manager).get(reverse("reports:evidence_pack_download", args=[pack.pk])).status_code == 404


def test_a_packs_page_gives_its_status_alone_for_the_page_to_refresh_itself(evidence_plan, manager):
    pack = EvidencePack.objects.create(plan=evidence_plan, as_at=datetime.date(2012, 12, 20), requested_by=manager)
    response = client_for(manager).get(pack.get_absolute_url() + "?part=status")
    assert response.status_code == 200
    assert b"<html" not in response.content and b"Waiting to start" in response.content


def test_the_list_page_costs_the_same_queries_with_many_packs(evidence_plan, manager):
    url = reverse("reports:evidence_packs", args=[evidence_plan.pk])
    client = client_for(manager)
    EvidencePack.objects.create(plan=evidence_plan, as_at=datetime.date(2012, 12, 20), requested_by=manager)
    one = count_queries(client, url)
    for day in range(1, 20):
        EvidencePack.objects.create(plan=evidence_plan, as_at=datetime.date(2012, 12, day), requested_by=manager)
    assert count_queries(client, url) == one == 9
