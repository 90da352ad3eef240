"""Anyone signed in can change their own password; the current password and the password rules
are checked, and other sessions of the user end."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for

NEW = "a long walsall passphrase"


def change(client, old="not-used-in-tests", new1=NEW, new2=NEW):
    return client.post(reverse("password_change"),
                       {"old_password": old, "new_password1": new1, "new_password2": new2})


def test_anyone_signed_in_can_change_their_own_password(viewer):
    other_session = client_for(viewer)
    client = client_for(viewer)
    page = client.get(reverse("password_change")).content.decode()
    assert "<h1 class=\"govuk-heading-l\">Change your password</h1>" in page
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page

    response = change(client)
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    assert "Your password has been changed" in client.get(response.url).content.decode()
    viewer.refresh_from_db()
    assert viewer.check_password(NEW)
    assert client.get(reverse("improvement:plan_list")).status_code == 200  # still signed in here
    assert other_session.get(reverse("improvement:plan_list")).status_code == 302  # signed out elsewhere
    fresh = Client()
    fresh.post(reverse("login"), {"username": "viewer", "password": NEW})
    assert fresh.session["_auth_user_id"] == str(viewer.pk)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"old": "a wrong guess at it"}, "old_password", "Your current password is not right"),
    ({"old": ""}, "old_password", "Enter your current password"),
    ({"new1": "Short1pass!", "new2": "Short1pass!"}, "new_password1", "at least 12 characters"),
    ({"new1": "password1234", "new2": "password1234"}, "new_password1", "too common"),
    ({"new2": "a different passphrase"}, "new_password2", "The new passwords do not match"),
])
def test_a_wrong_current_password_or_a_weak_new_one_is_refused_with_a_clear_message(viewer, data, field, message):
    client = client_for(viewer)
    response = change(client, **data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert "<title>Error: Change your password" in page and "There is a problem" in page and message in page
    viewer.refresh_from_db()
    assert viewer.check_password("not-used-in-tests")


def test_the_header_links_to_your_account_beside_sign_out_and_it_to_the_password_page(viewer):
    client = client_for(viewer)
    page = client.get(reverse("improvement:plan_list")).content.decode()
    assert page.index(f'href="{reverse("improvement:account")}"') < page.index("Sign out")
    assert f'href="{reverse("password_change")}"' in client.get(reverse("improvement:account")).content.decode()


def test_signed_out_people_are_sent_to_sign_in(db):
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
