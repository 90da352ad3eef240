import datetime

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse

from boards.models import UpdateRound
from tests.conftest import client_for, count_queries, make_action, make_many_actions, status


def rounds_url(plan):
    return reverse("boards:round_list", args=[plan.pk])


def test_manager_opens_a_round(plan, manager, frozen_today):
    response = client_for(manager).post(rounds_url(plan), {
        "period": "2013-01-01", "deadline_0": "10", "deadline_1": "1", "deadline_2": "2013"})
    round_ = UpdateRound.objects.get()
    assert response.status_code == 302 and response.url == round_.get_absolute_url()
    plan.refresh_from_db()
    assert plan.current_period == datetime.date(2013, 1, 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period": "2013-01-01", "deadline_0": "31", "deadline_1": "12", "deadline_2": "2012"},
         "The deadline must be on or after the first day of the period"),
        ({"period": "", "deadline_0": "10", "deadline_1": "1", "deadline_2": "2013"}, "Select the reporting period"),
        ({"period": "2013-01-01"}, "Enter the deadline for updates"),
    ],
)
def test_bad_round_input_gets_a_clear_error_and_saves_nothing(plan, manager, data, message):
    response = client_for(manager).post(rounds_url(plan), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not UpdateRound.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "chair", "lead"])
def test_only_managers_open_rounds(request, plan, action, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(rounds_url(plan)).status_code == 200
    response = client.post(rounds_url(plan), {"period": "2013-01-01", "deadline_0": "10", "deadline_1": "1",
                                              "deadline_2": "2013"})
    assert response.status_code == 403
    assert not UpdateRound.objects.exists()


def test_round_pages_are_404_for_an_outsider(plan, open_round, outsider):
    client = client_for(outsider)
    assert client.get(rounds_url(plan)).status_code == 404
    assert client.get(open_round.get_absolute_url()).status_code == 404
    assert client.post(reverse("boards:round_close", args=[open_round.pk])).status_code == 404


def test_round_pages_need_sign_in(plan, open_round):
    assert client_for(None).get(open_round.get_absolute_url()).status_code == 302


def test_round_page_shows_who_has_and_has_not_submitted(action, shared_action, lead, scheme, open_round, manager, frozen_today):
    action.record_update(status=status(scheme, "G"), note="ok", by=lead)
    page = client_for(manager).get(open_round.get_absolute_url()).content.decode()
    assert "Late: not submitted" in page  # 3.15, as of 20 December, deadline 10 December
    assert "Submitted late" in page  # 1.1 was recorded on 20 December
    assert "Send reminders now" in page


def test_manager_sends_reminders_and_closes_the_round(action, lead, open_round, manager, frozen_today):
    lead.email = "lead@example.org"
    lead.save()
    client = client_for(manager)
    response = client.post(reverse("boards:round_send_reminders", args=[open_round.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]
    client.post(reverse("boards:round_send_reminders", args=[open_round.pk]))
    assert len(mail.outbox) == 1

    assert client.post(reverse("boards:round_close", args=[open_round.pk])).status_code == 302
    open_round.refresh_from_db()
    assert not open_round.is_open


def test_sending_reminders_refuses_get_and_non_managers(open_round, chair, viewer):
    url = reverse("boards:round_send_reminders", args=[open_round.pk])
    assert client_for(viewer).get(url).status_code == 405
    assert client_for(chair).post(url).status_code == 403


def test_closing_a_round_asks_first_and_changes_nothing_until_confirmed(action, shared_action, lead, scheme,
                                                                         open_round, manager, frozen_today):
    action.record_update(status=status(scheme, "G"), note="ok", by=lead)
    round_page = client_for(manager).get(open_round.get_absolute_url()).content.decode()
    close_url = reverse("boards:round_close", args=[open_round.pk])
    assert f'href="{close_url}">Close the round</a>' in round_page  # a link to the confirmation, not a button
    response = client_for(manager).get(close_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Close the December 2012 update round?" in page
    assert "1 open action has an update for December 2012." in page
    assert "1 open action has none: it keeps its earlier status for the period." in page
    assert "cannot be reopened" in page
    open_round.refresh_from_db()
    assert open_round.is_open


def test_closing_a_round_records_who_and_when_and_shows_them(open_round, manager, frozen_today):
    response = client_for(manager).post(reverse("boards:round_close", args=[open_round.pk]))
    assert response.status_code == 302 and response.url == open_round.get_absolute_url()
    open_round.refresh_from_db()
    assert open_round.closed_by == manager and open_round.closed_at.date() == frozen_today
    page = client_for(manager).get(open_round.get_absolute_url()).content.decode()
    assert f"Closed on 20 December 2012 by {manager}" in page


def test_a_closed_round_has_no_confirmation_page(open_round, manager):
    open_round.close(by=manager)
    response = client_for(manager).get(reverse("boards:round_close", args=[open_round.pk]), follow=True)
    assert response.redirect_chain[-1][0] == open_round.get_absolute_url()
    assert "This round was already closed" in response.content.decode()


@pytest.mark.parametrize("persona", ["chair", "viewer", "lead"])
def test_only_managers_close_rounds(request, action, open_round, persona):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("boards:round_close", args=[open_round.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    open_round.refresh_from_db()
    assert open_round.is_open


def test_round_page_uses_the_same_queries_for_10_and_500_actions(theme, lead_post, open_round, manager):
    client = client_for(manager)
    make_many_actions(theme, 10, leads=[lead_post])
    with_10 = count_queries(client, open_round.get_absolute_url())
    make_many_actions(theme, 490, leads=[lead_post])
    assert count_queries(client, open_round.get_absolute_url()) == with_10


def test_my_actions_shows_the_open_round(action, lead, open_round):
    page = client_for(lead).get(reverse("improvement:my_actions")).content.decode()
    assert "Update round open" in page
    assert "due by Monday 10 December 2012" in page


def test_my_actions_without_actions_shows_no_round(viewer, open_round):
    assert "Update round open" not in client_for(viewer).get(reverse("improvement:my_actions")).content.decode()


def test_my_actions_query_count_is_unchanged_by_rounds_and_notes(theme, lead, lead_post, open_round):
    client = client_for(lead)
    make_many_actions(theme, 10, leads=[lead_post])
    with_10 = count_queries(client, reverse("improvement:my_actions"))
    make_many_actions(theme, 490, leads=[lead_post])
    assert count_queries(client, reverse("improvement:my_actions")) == with_10


def fix_link(action, post):
    try:
        return reverse("improvement:post_edit", args=[action.plan_id, post.pk])
    except NoReverseMatch:  # until plan managers have their post pages
        return action.get_absolute_url()


@pytest.fixture
def vacant_action(theme, council):
    from improvement.models import Post

    return make_action(theme, "9.9", leads=[Post.objects.create(organisation=council, title="Head of Service (vacant)")])


def test_reminders_say_who_was_reminded_and_which_actions_have_no_one_to_remind(
        action, vacant_action, lead, open_round, manager, frozen_today):
    lead.email, manager.email = "lead@example.org", "manager@example.org"
    lead.save()
    manager.save()
    client = client_for(manager)

    response = client.post(reverse("boards:round_send_reminders", args=[open_round.pk]), follow=True)

    shown = [str(m) for m in response.context["messages"]]
    assert "Reminders sent to 1 lead: Lead." in shown
    assert ("No one to remind about 1 action (9.9): no one holds their lead posts. The plan’s managers have been "
            "told by email: Manager. Give each post a holder: see “No one to remind” below.") in shown
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"lead@example.org", "manager@example.org"}
    notice = by_recipient["manager@example.org"]
    post = vacant_action.lead_posts.get()
    assert "1 action with no one to remind" in notice.subject
    assert "9.9" in notice.body and "Head of Service (vacant)" in notice.body
    assert fix_link(vacant_action, post) in notice.body
    assert "9.9" not in by_recipient["lead@example.org"].body
    page = response.content.decode()
    assert 'id="no-one-to-remind"' in page
    assert f'href="{fix_link(vacant_action, post)}">Give “Head of Service (vacant)” a holder</a>' in page

    response = client.post(reverse("boards:round_send_reminders", args=[open_round.pk]), follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Already reminded for this round, so not sent again: Lead." in shown
    assert "The plan’s managers were told earlier: Manager." in shown
    assert len(mail.outbox) == 2


def test_reminders_say_so_when_everyone_has_updated(action, lead, scheme, open_round, manager, frozen_today):
    action.record_update(status=status(scheme, "G"), note="ok", by=lead)
    response = client_for(manager).post(reverse("boards:round_send_reminders", args=[open_round.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "No one to remind: every open action has its update for December 2012."]
    assert mail.outbox == []


def test_readers_see_which_actions_have_no_one_to_remind_without_fix_links(vacant_action, open_round, viewer):
    page = client_for(viewer).get(open_round.get_absolute_url()).content.decode()
    assert 'id="no-one-to-remind"' in page and "Head of Service (vacant)" in page
    assert "a holder</a>" not in page


def test_a_deadline_already_passed_is_opened_only_once_confirmed(plan, manager, frozen_today):
    client = client_for(manager)
    data = {"period": "2012-12-01", "deadline_0": "10", "deadline_1": "12", "deadline_2": "2012"}
    response = client.post(rounds_url(plan), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "The deadline (10 December 2012) has already passed: every action without an update will be late" in page
    assert "govuk-warning-text" in page and "Yes, the date is right" in page
    assert page.count("There is a problem") == 1
    assert not UpdateRound.objects.exists()

    response = client.post(rounds_url(plan), {**data, "confirm_unusual": "on"})
    assert response.status_code == 302
    assert UpdateRound.objects.get().deadline == datetime.date(2012, 12, 10)


def test_round_page_counts_and_lists_the_measures_missing_this_periods_value(plan, open_round, measure, lead,
                                                                            manager, frozen_today):
    from tests.conftest import make_measure

    recorded = make_measure(plan, "Visits on time", position=2)
    recorded.record_value(period=open_round.period, value="80", by=lead)
    page = client_for(manager).get(open_round.get_absolute_url()).content.decode()
    assert "Measures missing a December 2012 value (1)" in page
    assert "Children seen within timescale" in page and str(measure.owner) in page
    assert "Visits on time" not in page
