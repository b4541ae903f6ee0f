"""The admin sign-in resists password guessing: a username is locked at one address after a
few wrong passwords (django-axes), and everywhere after many from several addresses
(operations/signin.py); staff passwords are long enough to resist guessing."""

import io
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from operations.middleware import client_ip
from tests.html_page import Page

PASSWORD = "a-long-test-password"
LOCKED = "Too many failed sign-in attempts"
LOCKED_EVERYWHERE = "locked from every address"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Dozens of sign-ins per test: a deliberately slow hash is not what is under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def comms(db, django_user_model):
    return django_user_model.objects.create_user("comms", password=PASSWORD, is_staff=True)


def sign_in(username, password, address="203.0.113.7", forwarded_for=None, user_agent=None):
    """One attempt at the admin sign-in form, from a browser at `address`."""
    extra = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    if user_agent is not None:
        extra["HTTP_USER_AGENT"] = user_agent
    return Client().post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **extra,
    )


def signed_in(response):
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def fail(times, username="comms", **kwargs):
    for _ in range(times):
        assert not signed_in(sign_in(username, "wrong-password", **kwargs))


def test_the_lockout_is_five_failures_for_thirty_minutes_by_username_and_address():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_few_mistakes_do_not_lock_an_editor_out(comms):
    for _ in range(4):
        response = sign_in("comms", "wrong-password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()

    assert signed_in(sign_in("comms", PASSWORD))


def test_five_wrong_passwords_lock_the_account_at_that_address_and_say_why(comms):
    fail(4)
    response = sign_in("comms", "wrong-password")

    assert response.status_code == 429
    text = response.content.decode()
    assert LOCKED in text
    assert "locked for 30 minutes from this address" in text
    assert "contact an administrator" in text
    assert reverse("admin:login") in text
    assert "no-store" in response.headers["Cache-Control"]


def test_the_right_password_does_not_get_through_a_lock(comms):
    fail(5)

    response = sign_in("comms", PASSWORD)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_the_lock_is_for_that_username_at_that_address_only(comms, django_user_model):
    django_user_model.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    fail(5, address="203.0.113.7")

    # An attacker elsewhere cannot lock the real editor out...
    assert signed_in(sign_in("comms", PASSWORD, address="198.51.100.20"))
    # ...and a colleague in the same office can still sign in.
    assert signed_in(sign_in("colleague", PASSWORD, address="203.0.113.7"))


def test_the_lock_lifts_after_thirty_minutes(comms):
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as clock:
        fail(5)
        clock.shift(timedelta(minutes=29))
        assert sign_in("comms", PASSWORD).status_code == 429

        # That attempt started the cool-off again.
        clock.shift(timedelta(minutes=31))
        assert signed_in(sign_in("comms", PASSWORD))


def test_without_a_proxy_a_forged_forwarded_for_header_does_not_escape_the_lock(comms):
    fail(5, forwarded_for="192.0.2.1")

    response = sign_in("comms", PASSWORD, forwarded_for="192.0.2.99")

    assert response.status_code == 429


def test_behind_a_proxy_the_lock_follows_the_visitor_not_the_proxy(comms, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.5"
    fail(5, address=proxy, forwarded_for="203.0.113.7")

    # The same visitor is locked, whatever it claims in front of the proxy's entry...
    locked = sign_in("comms", PASSWORD, address=proxy, forwarded_for="192.0.2.99, 203.0.113.7")
    assert locked.status_code == 429
    # ...and another visitor through the same proxy is not.
    assert signed_in(sign_in("comms", PASSWORD, address=proxy, forwarded_for="198.51.100.20"))


@pytest.mark.parametrize(
    "proxies, forwarded_for, expected",
    [
        (0, None, "10.0.0.5"),
        (0, "192.0.2.1", "10.0.0.5"),  # no proxy: the header is the client's own words
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),  # the leftmost entry is forged
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.5"),  # too short to have passed both proxies
        (1, "not-an-address", "10.0.0.5"),
        (1, "", "10.0.0.5"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies_only(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"REMOTE_ADDR": "10.0.0.5"}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for

    assert client_ip(RequestFactory().get("/", **extra)) == expected


def test_staff_sessions_expire_after_eight_hours():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_passwords_must_pass_djangos_validators(comms):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["password", "12345678", "short", "comms2026"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user=comms)


# One username from many addresses -----------------------------------------------------


def addresses(count):
    """`count` different addresses, as a botnet or one IPv6 network would have."""
    return [f"198.51.100.{n}" for n in range(1, count + 1)]


def fail_from_many(addresses_, times_each=5, username="comms"):
    for address in addresses_:
        fail(times_each, username=username, address=address)


def test_many_addresses_together_cannot_keep_guessing_one_username(comms):
    # Twenty wrong passwords, five from each of four addresses...
    fail_from_many(addresses(4))

    # ...and the username is locked everywhere, even for the right password from a fifth.
    response = sign_in("comms", PASSWORD, address="192.0.2.50")

    assert response.status_code == 429
    text = Page.of(response).text
    assert LOCKED in text
    assert LOCKED_EVERYWHERE in text
    assert "after 20 wrong passwords for it from several places within 30 minutes" in text
    assert "someone else may be trying to guess your password" in text
    assert "contact an administrator" in text


def test_nineteen_wrong_passwords_from_several_addresses_lock_no_one_elsewhere(comms):
    fail_from_many(addresses(3))
    fail(4, address="198.51.100.4")

    assert signed_in(sign_in("comms", PASSWORD, address="192.0.2.50"))


def test_one_address_guessing_on_cannot_lock_the_editor_out_elsewhere(comms):
    # Forty attempts from one address, in four different browsers: it is locked there
    # after five, and counts for no more than five towards the lock everywhere.
    for n in range(40):
        sign_in("comms", "wrong-password", address="203.0.113.7", user_agent=f"browser {n % 4}")

    assert sign_in("comms", PASSWORD, address="203.0.113.7").status_code == 429
    assert signed_in(sign_in("comms", PASSWORD, address="192.0.2.50"))


def test_the_lock_everywhere_is_for_that_username_only(comms, django_user_model):
    django_user_model.objects.create_user("colleague", password=PASSWORD, is_staff=True)
    fail_from_many(addresses(4))

    assert signed_in(sign_in("colleague", PASSWORD, address="198.51.100.1"))


def test_the_lock_everywhere_lifts_once_the_guessing_has_stopped_for_thirty_minutes(comms):
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as clock:
        fail_from_many(addresses(4))
        clock.shift(timedelta(minutes=29))
        assert sign_in("comms", PASSWORD, address="192.0.2.50").status_code == 429

        clock.shift(timedelta(minutes=2))
        assert signed_in(sign_in("comms", PASSWORD, address="192.0.2.50"))


@pytest.mark.parametrize("everywhere", [False, True])
def test_the_lockout_page_does_not_tell_whether_a_username_has_an_account(comms, everywhere):
    def locked_page(username):
        if everywhere:
            fail_from_many(addresses(4), username=username)
            return sign_in(username, PASSWORD, address="192.0.2.50")
        fail(5, username=username)
        return sign_in(username, PASSWORD)

    real, made_up = locked_page("comms"), locked_page("no-such-person")

    assert real.status_code == made_up.status_code == 429
    assert Page.of(real).text == Page.of(made_up).text
    assert "account is locked" not in Page.of(real).text


def test_an_administrator_lifts_both_locks_with_axes_reset_username(comms):
    fail(5, address="203.0.113.7")
    fail_from_many(addresses(4))
    assert sign_in("comms", PASSWORD, address="192.0.2.50").status_code == 429

    out = io.StringIO()
    call_command("axes_reset_username", "comms", stdout=out)

    assert "attempts removed" in out.getvalue()
    assert signed_in(sign_in("comms", PASSWORD, address="203.0.113.7"))
    assert signed_in(sign_in("comms", PASSWORD, address="192.0.2.50"))


def test_an_administrator_lifts_a_lock_in_the_admin(comms, staff_client):
    fail_from_many(addresses(4))
    assert sign_in("comms", PASSWORD, address="192.0.2.50").status_code == 429
    attempts = reverse("admin:axes_accessattempt_changelist")

    listed = staff_client.get(attempts, {"q": "comms"})
    assert listed.status_code == 200
    assert "198.51.100.4" in listed.content.decode()

    ids = list(AccessAttempt.objects.filter(username="comms").values_list("pk", flat=True))
    response = staff_client.post(
        attempts, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )

    assert response.status_code == 302
    assert signed_in(sign_in("comms", PASSWORD, address="192.0.2.50"))


# Passwords ---------------------------------------------------------------------------

ELEVEN = "Kq7#mZp2vLx"  # 11 characters, neither common nor all digits
TWELVE = "Kq7#mZp2vLxw"
TOO_SHORT = "This password is too short. It must contain at least 12 characters."


@pytest.mark.parametrize(
    "form",
    ["add a user", "set a user's password", "change your own password"],
)
def test_an_eleven_character_password_is_refused_in_the_admin_with_a_clear_message(
    comms, staff_client, django_user_model, form
):
    def submit(password):
        if form == "add a user":
            return staff_client.post(
                reverse("admin:auth_user_add"),
                {
                    "username": "newcomer",
                    "usable_password": "true",
                    "password1": password,
                    "password2": password,
                },
            )
        if form == "set a user's password":
            return staff_client.post(
                reverse("admin:auth_user_password_change", args=[comms.pk]),
                {"usable_password": "true", "password1": password, "password2": password},
            )
        return staff_client.post(
            reverse("admin:password_change"),
            {
                "old_password": "a-long-test-password",
                "new_password1": password,
                "new_password2": password,
            },
        )

    refused = submit(ELEVEN)

    assert refused.status_code == 200
    assert TOO_SHORT in Page.of(refused).text
    assert not django_user_model.objects.filter(username="newcomer").exists()
    for user in django_user_model.objects.all():  # comms, and the editor signed in
        assert not user.check_password(ELEVEN)

    accepted = submit(TWELVE)
    assert accepted.status_code == 302
    assert TOO_SHORT not in accepted.content.decode()
