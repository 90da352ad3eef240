"""Approval by someone other than the writer; the snapshot is what was approved; drift."""

import pytest
from django.core.exceptions import ValidationError

from publication.drift import drifted_keys
from publication.models import Publication, PublicSummary
from tests.conftest import status
from tests.publication.conftest import write


def test_the_writer_cannot_approve_their_own_summary(plan, theme, manager, pub_settings):
    summary = write(plan, by=manager, theme=theme, title_en="Partners", summary_en="We meet.", status="done")
    with pytest.raises(ValidationError, match="someone else must approve"):
        summary.approve(by=manager)
    assert not Publication.objects.exists()


def test_the_last_editor_cannot_approve_a_summary_someone_else_wrote(plan, theme, manager, second_manager,
                                                                      pub_settings):
    summary = write(plan, by=manager, theme=theme, title_en="Partners", summary_en="We meet.", status="done")
    write(plan, by=second_manager, theme=theme, summary_en="We meet monthly.")
    with pytest.raises(ValidationError):
        summary.refresh_from_db()
        summary.approve(by=second_manager)


def test_another_approver_approves_and_a_snapshot_is_published(plan, theme, manager, approver, pub_settings):
    summary = write(plan, by=manager, theme=theme, title_en="Partners", summary_en="We meet.", status="done")
    publication = summary.approve(by=approver)
    summary.refresh_from_db()
    assert summary.state == PublicSummary.State.APPROVED
    assert summary.approved_by == approver
    assert publication.version == 1
    assert publication.approved_by == approver
    [entry] = publication.content["entries"]
    assert entry["title_en"] == "Partners" and entry["summary_en"] == "We meet." and entry["status"] == "done"


def test_a_draft_cannot_be_approved_until_it_is_sent_for_approval(plan, theme, manager, approver, pub_settings):
    summary = write(plan, by=manager, theme=theme, title_en="Partners", summary_en="We meet.", submit=False)
    with pytest.raises(ValidationError, match="sent for approval"):
        summary.approve(by=approver)


def test_the_snapshot_is_unchanged_by_later_drafts_until_the_next_approval(plan, theme, manager, approver, published):
    write(plan, by=manager, theme=theme, summary_en="A draft nobody approved yet.", submit=True)
    latest = plan.publications.order_by("-version").first()
    assert "Partners now meet every month." in str(latest.content)
    assert "A draft nobody approved yet." not in str(latest.content)
    PublicSummary.objects.get(theme=theme).approve(by=approver)
    newest = plan.publications.order_by("-version").first()
    assert newest.version == latest.version + 1
    assert "A draft nobody approved yet." in str(newest.content)
    assert "We are making services safer." in str(newest.content)  # the introduction carried over


def test_a_publication_cannot_be_changed(published, plan):
    publication = plan.publications.first()
    publication.content = {}
    with pytest.raises(ValidationError):
        publication.save()


def test_drift_is_flagged_after_an_actions_rag_changes(plan, theme, action, lead, scheme, published):
    publication = plan.publications.order_by("-version").first()
    assert drifted_keys(publication) == set()
    action.record_update(status=status(scheme, "R"), note="Stalled", by=lead)
    assert drifted_keys(publication) == {"plan", f"theme-{theme.pk}"}


def test_drift_clears_once_the_summary_is_approved_again(plan, theme, action, lead, scheme, manager, approver,
                                                         published):
    action.record_update(status=status(scheme, "R"), note="Stalled", by=lead)
    write(plan, by=manager, theme=theme, summary_en="Work has stalled; the board is acting.", status="in_progress")
    PublicSummary.objects.get(theme=theme).approve(by=approver)
    assert drifted_keys(plan.publications.order_by("-version").first()) == {"plan"}
