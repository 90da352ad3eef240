"""Password recovery for local accounts (mfa.views.PasswordReset*): the same answer whatever the
address, a link that works once and expires, a limit on requests, and no way round the code."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from mfa.models import ResetRequest
from tests.mfa.helpers import MOMENT, PASSWORD, code_for, enrol, enter_code, sign_in, with_password

RESET = reverse("mfa:password_reset")
NEW = "a brand new walsall passphrase"


@pytest.fixture
def account(viewer):
    viewer.email = "viewer@walsall.example"
    viewer.save()
    return with_password(viewer)


def ask(client, email):
    return client.post(RESET, {"email": email})


def link_in(message) -> str:
    return re.search(r"https?://\S+(/account/password/reset/\S+/)", message.body).group(1)


def choose(client, link, new1=NEW, new2=NEW):
    page = client.get(link)  # Django moves the token into the session and redirects
    return client.post(page.url if page.status_code == 302 else link, {"new_password1": new1, "new_password2": new2})


def test_a_known_and_an_unknown_address_get_the_same_answer_and_only_the_known_an_email(account):
    known = ask(Client(), "Viewer@Walsall.example")
    unknown = ask(Client(), "nobody@walsall.example")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("mfa:password_reset_sent")
    assert "If an account here has that email address" in Client().get(known.url).content.decode()
    assert [message.to for message in mail.outbox] == [["viewer@walsall.example"]]
    message = mail.outbox[0]
    assert message.subject == "Reset your password for Improvement plans"
    assert "The link works once, for 60 minutes." in message.body
    assert link_in(message).startswith("/account/password/reset/")


def test_the_link_sets_a_new_password_and_works_only_once(account):
    ask(Client(), account.email)
    link = link_in(mail.outbox[0])
    client = Client()
    response = choose(client, link)
    assert response.status_code == 302 and response.url == reverse("mfa:password_reset_complete")
    assert "Your password has been reset" in client.get(response.url).content.decode()
    account.refresh_from_db()
    assert account.check_password(NEW)
    assert "_auth_user_id" not in client.session  # resetting does not sign in
    again = Client().get(link)
    assert again.status_code == 200 and "This link does not work" in again.content.decode()
    assert "has been used or has expired" in again.content.decode()


def test_the_link_expires_after_the_set_time(account, settings):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60
    with time_machine.travel(MOMENT, tick=False) as clock:
        ask(Client(), account.email)
        link = link_in(mail.outbox[0])
        clock.shift(datetime.timedelta(minutes=61))
        response = Client().get(link)
    assert "This link does not work" in response.content.decode()
    account.refresh_from_db()
    assert account.check_password(PASSWORD)


def test_a_weak_or_mismatched_new_password_is_refused_and_changes_nothing(account):
    ask(Client(), account.email)
    link = link_in(mail.outbox[0])
    client = Client()
    weak = choose(client, link, "short", "short")
    assert weak.status_code == 400 and "at least 12 characters" in weak.content.decode()
    mismatch = client.post(weak.request["PATH_INFO"], {"new_password1": NEW, "new_password2": NEW + "x"})
    assert mismatch.status_code == 400 and "The passwords do not match" in mismatch.content.decode()
    account.refresh_from_db()
    assert account.check_password(PASSWORD)


@pytest.mark.parametrize(("email", "message"), [
    ("", "Enter your email address"),
    ("not an address", "Enter an email address in the correct format, like name@example.org"),
])
def test_a_missing_or_malformed_address_is_refused_with_what_to_fix(db, email, message):
    response = ask(Client(), email)
    assert response.status_code == 400
    assert message in response.content.decode() and "There is a problem" in response.content.decode()
    assert mail.outbox == [] and not ResetRequest.objects.exists()


def test_requests_are_limited_per_address_whatever_the_email(account, settings):
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 3
    client = Client(REMOTE_ADDR="10.0.0.7")
    with time_machine.travel(MOMENT, tick=False) as clock:
        for n in range(3):
            assert ask(client, f"someone{n}@walsall.example").status_code == 302
        limited = ask(client, account.email)
        assert limited.status_code == 429
        assert "Too many requests to reset a password" in limited.content.decode()
        assert mail.outbox == []  # the account's address got nothing while limited
        assert ask(Client(REMOTE_ADDR="10.0.0.8"), account.email).status_code == 302
        clock.shift(datetime.timedelta(minutes=61))
        assert ask(client, account.email).status_code == 302


def test_requests_are_limited_per_email_whatever_the_address(account, settings):
    settings.PASSWORD_RESET_LIMIT_PER_HOUR = 2
    for n in range(2):
        assert ask(Client(REMOTE_ADDR=f"10.0.1.{n}"), account.email).status_code == 302
    assert ask(Client(REMOTE_ADDR="10.0.1.9"), account.email.upper()).status_code == 429
    assert len(mail.outbox) == 2
    # An unknown address is limited the same way: the limit tells nothing about accounts.
    for n in range(2):
        ask(Client(REMOTE_ADDR=f"10.0.2.{n}"), "nobody@walsall.example")
    assert ask(Client(REMOTE_ADDR="10.0.2.9"), "nobody@walsall.example").status_code == 429


def test_the_limit_keeps_no_email_address(account):
    ask(Client(), account.email)
    stored = ResetRequest.objects.get()
    assert account.email not in stored.email_hash and len(stored.email_hash) == 64


def test_an_account_that_signs_in_elsewhere_gets_no_reset_email(account):
    account.set_unusable_password()
    account.save()
    assert ask(Client(), account.email).status_code == 302
    assert mail.outbox == []


def test_a_new_password_does_not_skip_the_security_code(account):
    device, _codes = enrol(account)
    ask(Client(), account.email)
    choose(Client(), link_in(mail.outbox[0]))
    with time_machine.travel(MOMENT, tick=False):
        client = Client()
        assert sign_in(client, account, NEW).url == reverse("mfa:verify")
        assert "_auth_user_id" not in client.session
        assert enter_code(client, code_for(device)).status_code == 302
        assert client.session["_auth_user_id"] == str(account.pk)


def test_a_new_password_ends_a_sign_in_lockout_of_the_account(account, settings):
    client = Client(REMOTE_ADDR="10.0.3.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, account, "wrong guess")
    assert sign_in(Client(REMOTE_ADDR="10.0.3.2"), account).status_code == 429
    ask(Client(REMOTE_ADDR="10.0.3.3"), account.email)
    choose(Client(REMOTE_ADDR="10.0.3.3"), link_in(mail.outbox[0]))
    assert sign_in(Client(REMOTE_ADDR="10.0.3.2"), account, NEW).status_code == 302


def test_the_locked_out_page_links_to_a_password_reset(account, settings):
    client = Client(REMOTE_ADDR="10.0.3.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, account, "wrong guess")
    assert f'href="{RESET}"' in response.content.decode()


def test_the_email_is_sent_by_the_task_worker_not_in_the_request(account, settings):
    """Sending by SMTP in the request would make a known address slower to answer than an unknown."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert ask(Client(), account.email).status_code == 302
    assert ask(Client(), "nobody@walsall.example").status_code == 302
    assert mail.outbox == []
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "mfa.tasks.send_reset_email"
    assert queued.args_kwargs["args"][2] == account.email
