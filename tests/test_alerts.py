"""Email alerts, as a family meets them: ask, confirm by email, manage, stop.

Emails go through a real SMTP server started by the tests (the `smtp` fixture)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from alerts.models import Frequency, Subscriber, Subscription, What
from tests.factories import PriorityFactory

SITE = "http://testserver"  # the Django test client's own origin
PARENT = "parent@example.com"


def ask(client, origin=SITE, **fields):
    data = {"what": "news", "how_often": "daily", "email": PARENT, "website": ""}
    data.update(fields)
    headers = {"origin": origin} if origin else {}
    return client.post(reverse("alerts:subscribe-post"), data, headers=headers)


def ask_for_manage_link(client, email=PARENT, **fields):
    data = {"email": email, "website": "", **fields}
    return client.post(reverse("alerts:manage-link-post"), data, headers={"origin": SITE})


def parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def link_in(message):
    """The site path of the one link in the email's text part."""
    text, _ = parts(message)
    [url] = re.findall(r"https?://\S+", text)
    return urlsplit(url).path


def confirmed(client, smtp, **fields):
    """A subscriber who asked and clicked the link; returns the Subscriber."""
    ask(client, **fields)
    client.get(link_in(smtp.messages[-1]))
    return Subscriber.objects.for_email(fields.get("email", PARENT)).get()


# Asking for alerts ----------------------------------------------------------------------


def test_the_page_offers_what_and_how_often_and_sets_no_cookie(client, db):
    PriorityFactory(number=2, short_title="Early help")

    response = client.get(reverse("alerts:subscribe"))

    page = response.content.decode()
    assert response.status_code == 200
    assert not response.cookies
    for label in [
        "Everything on this site",
        "Priority 2: Early help",
        "News",
        "Decisions",
        "Progress updates",
        "As it happens",
        "Once a day, a summary",
        "Once a week, a summary",
        "Email address",
    ]:
        assert label in page
    assert 'name="website"' in page and 'tabindex="-1"' in page


def test_asking_sends_one_confirmation_email_in_text_and_html_and_nothing_counts_yet(
    client, db, smtp
):
    response = ask(client, what="decisions", how_often="weekly")

    assert response.status_code == 303
    assert response["Location"] == reverse("alerts:check-your-email")
    assert not response.cookies
    assert "Check your email" in client.get(response["Location"]).content.decode()
    [message] = smtp.messages
    assert message.recipients == [PARENT]
    assert message["Subject"] == "Confirm your email alerts"
    text, html = parts(message)
    assert "Decisions, once a week, a summary." in text
    assert "works once, for 7 days" in text
    assert "Confirm your email alerts</a>" in html
    assert "<img" not in html
    assert link_in(message) in html
    assert not Subscription.objects.confirmed().exists()


def test_the_link_confirms_once_and_says_what_they_will_get(client, db, smtp):
    ask(client, what="progress", how_often="immediately")
    link = link_in(smtp.messages[0])

    first = client.get(link)
    again = client.get(link)

    assert first.status_code == 200
    assert "Your email alerts are confirmed" in first.content.decode()
    assert "Progress updates: as it happens" in first.content.decode()
    [subscription] = Subscription.objects.confirmed()
    assert (subscription.what, subscription.frequency) == (What.PROGRESS, Frequency.IMMEDIATELY)
    assert again.status_code == 400
    assert "already been used" in again.content.decode()


def test_the_link_expires_after_7_days(client, db, smtp):
    ask(client)
    link = link_in(smtp.messages[0])

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.get(link)

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert not Subscription.objects.confirmed().exists()


def test_a_tampered_link_does_not_work(client, db, smtp):
    ask(client)
    link = link_in(smtp.messages[0])

    response = client.get(link.replace("/confirm/", "/confirm/x"))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_a_known_address_gets_the_same_answer_and_keeps_one_record(client, db, smtp):
    confirmed(client, smtp)

    known = ask(client, email="Parent@Example.com", what="everything")
    stranger = ask(client, email="someone@example.com", what="everything")

    assert known.status_code == stranger.status_code == 303
    assert known["Location"] == stranger["Location"]
    assert Subscriber.objects.for_email(PARENT).count() == 1
    # The new list waits for its own confirmation; the confirmed one is untouched.
    assert list(Subscription.objects.confirmed().values_list("what", flat=True)) == ["news"]


def test_one_priority_can_be_chosen(client, db, smtp):
    priority = PriorityFactory(number=3, short_title="Preparing for adulthood")

    confirmed(client, smtp, what=f"priority-{priority.pk}", how_often="immediately")

    [subscription] = Subscription.objects.confirmed()
    assert subscription.priority == priority
    assert subscription.describe() == "Priority 3: Preparing for adulthood"


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"email": "not an address"}, "Enter an email address in the correct format"),
        ({"email": ""}, "Enter your email address"),
        ({"what": ""}, "Choose what you want emails about."),
        ({"what": "priority-999999"}, "Choose what you want emails about."),
        ({"how_often": "hourly"}, "Choose how often you want emails."),
    ],
)
def test_a_mistake_is_shown_next_to_the_answer_and_nothing_is_sent(client, db, smtp, fields, error):
    response = ask(client, **fields)

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert error in response.content.decode()
    assert smtp.messages == []
    assert not Subscriber.objects.exists()


def test_a_filled_in_honeypot_looks_like_success_and_sends_nothing(client, db, smtp):
    response = ask(client, website="http://spam.example")

    assert response.status_code == 303
    assert smtp.messages == []
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("origin", ["https://evil.example", None])
def test_a_post_from_another_site_or_from_nowhere_is_refused(client, db, smtp, origin):
    response = ask(client, origin=origin)

    assert response.status_code == 403
    assert smtp.messages == []
    assert not Subscriber.objects.exists()


def test_one_address_gets_at_most_3_emails_an_hour_whoever_asks(client, db, smtp):
    for _ in range(5):
        response = ask(client)
        assert response.status_code == 303

    assert len(smtp.messages) == 3


def test_one_connection_is_stopped_after_10_requests_an_hour(client, db, smtp):
    answers = [ask(client, email=f"person{n}@example.com").status_code for n in range(11)]

    assert answers == [303] * 10 + [429]
    assert len(smtp.messages) == 10


def test_the_form_posts_are_never_cached(client, db, smtp):
    response = ask(client)

    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


# Managing alerts -------------------------------------------------------------------------


def test_a_subscriber_can_get_a_manage_link_with_one_click_unsubscribe(client, db, smtp):
    confirmed(client, smtp)

    response = ask_for_manage_link(client, email="PARENT@example.com")

    assert response.status_code == 303
    message = smtp.messages[-1]
    assert message["Subject"] == "Manage your email alerts"
    text, html = parts(message)
    assert "stop all emails" in text
    assert "Change or stop your email alerts</a>" in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https?://\S+/alerts/unsubscribe/\S+/>", message["List-Unsubscribe"].strip()
    )


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db, smtp):
    response = ask_for_manage_link(client, email="nobody@example.com")

    assert response.status_code == 303
    assert response["Location"] == reverse("alerts:check-your-email")
    assert smtp.messages == []


def manage_page(client, smtp):
    ask_for_manage_link(client)
    return link_in(smtp.messages[-1])


def test_the_manage_page_changes_how_often(client, db, smtp):
    subscriber = confirmed(client, smtp)
    [subscription] = subscriber.subscriptions.all()
    page = manage_page(client, smtp)

    shown = client.get(page)
    response = client.post(
        page, {f"how-often-{subscription.pk}": "weekly", "save": ""}, headers={"origin": SITE}
    )

    assert "News" in shown.content.decode()
    assert response.status_code == 303
    assert "Your changes are saved" in client.get(response["Location"]).content.decode()
    subscription.refresh_from_db()
    assert subscription.frequency == Frequency.WEEKLY


def test_stopping_the_last_list_deletes_the_address(client, db, smtp):
    subscriber = confirmed(client, smtp)
    confirmed(client, smtp, what="decisions")
    news, decisions = subscriber.subscriptions.order_by("what").all()[::-1][::-1]
    page = manage_page(client, smtp)

    client.post(page, {f"stop-{decisions.pk}": "1"}, headers={"origin": SITE})
    assert list(subscriber.subscriptions.values_list("what", flat=True)) == [news.what]

    response = client.post(page, {f"stop-{news.pk}": "1"}, headers={"origin": SITE})
    assert "You will not get any more emails" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert client.get(page).status_code == 404


def test_stop_all_emails_deletes_the_address(client, db, smtp):
    confirmed(client, smtp)
    confirmed(client, smtp, what="progress")
    page = manage_page(client, smtp)

    response = client.post(page, {"stop-all": "1"}, headers={"origin": SITE})

    assert "You will not get any more emails" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists()


def test_a_manage_post_from_another_site_changes_nothing(client, db, smtp):
    confirmed(client, smtp)
    page = manage_page(client, smtp)

    response = client.post(page, {"stop-all": "1"}, headers={"origin": "https://evil.example"})

    assert response.status_code == 403
    assert Subscriber.objects.exists()


def test_a_mail_programs_one_click_unsubscribe_stops_everything(client, db, smtp):
    confirmed(client, smtp)
    ask_for_manage_link(client)
    unsubscribe = urlsplit(smtp.messages[-1]["List-Unsubscribe"].strip().strip("<>")).path

    # RFC 8058: a POST with this body, from the mail provider: no Origin, no cookie.
    response = client.post(
        unsubscribe,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not Subscriber.objects.exists()


def test_a_forged_manage_link_shows_a_page_not_an_error(client, db):
    response = client.get(reverse("alerts:manage", args=["not-a-real-token"]))

    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


@pytest.mark.parametrize("count", [1, 5])
def test_the_manage_page_costs_the_same_queries_however_many_lists(
    client, db, smtp, django_assert_num_queries, count
):
    subscriber = Subscriber.objects.create(email=PARENT, confirmed_at=timezone.now())
    for _ in range(count):
        Subscription.objects.create(
            subscriber=subscriber,
            what=What.PRIORITY,
            priority=PriorityFactory(),
            confirmed_at=timezone.now(),
        )
    page = manage_page(client, smtp)

    with django_assert_num_queries(3):
        response = client.get(page)

    assert response.content.decode().count("Stop these emails") == count


@pytest.mark.parametrize("count", [1, 6])
def test_the_subscribe_page_costs_the_same_queries_however_many_priorities(
    client, db, django_assert_max_num_queries, count
):
    PriorityFactory.create_batch(count)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("alerts:subscribe"))

    assert response.content.decode().count('name="what"') == count + 4


# Privacy ---------------------------------------------------------------------------------


def test_the_privacy_page_says_what_is_kept_and_is_in_every_footer(client, db):
    home = client.get(reverse("home"))
    response = client.get(reverse("alerts:privacy"))

    page = response.content.decode()
    assert reverse("alerts:privacy") in home.content.decode()
    assert response.status_code == 200
    assert not response.cookies
    for words in [
        "If you ask for email alerts",
        "we delete your address straight away",
        "Was this page useful?",
        "Failed attempts count for 30 minutes",
        "How to have your information deleted",
    ]:
        assert words in page


# The admin -------------------------------------------------------------------------------


def confirmed_subscriber(email, *lists):
    subscriber = Subscriber.objects.create(email=email, confirmed_at=timezone.now())
    for what, frequency in lists:
        Subscription.objects.create(
            subscriber=subscriber, what=what, frequency=frequency, confirmed_at=timezone.now()
        )
    return subscriber


@pytest.mark.parametrize("role_client", ["editor_client", "publisher_client"])
def test_editors_and_publishers_see_counts_per_list_but_no_address(request, db, role_client):
    staff = request.getfixturevalue(role_client)
    confirmed_subscriber("one@example.com", (What.NEWS, Frequency.DAILY))
    confirmed_subscriber("two@example.com", (What.NEWS, Frequency.DAILY))
    confirmed_subscriber("three@example.com", (What.DECISIONS, Frequency.WEEKLY))

    counts = staff.get(reverse("admin:alerts_subscription_changelist"))
    addresses = staff.get(reverse("admin:alerts_subscriber_changelist"))
    home = staff.get(reverse("admin:index"))

    page = counts.content.decode()
    assert counts.status_code == 200
    assert re.search(r"News</th><td>Once a day, a summary</td><td>2</td>", page)
    assert re.search(r"Decisions</th><td>Once a week, a summary</td><td>1</td>", page)
    assert "@example.com" not in page
    assert addresses.status_code == 403
    assert reverse("admin:alerts_subscriber_changelist") not in home.content.decode()


def test_addresses_are_seen_only_with_the_permission_an_administrator_grants(
    db, editor_client, django_user_model
):
    from django.contrib.auth.models import Permission

    confirmed_subscriber("one@example.com", (What.NEWS, Frequency.DAILY))
    editor = django_user_model.objects.get(username="editor")
    editor.user_permissions.add(Permission.objects.get(codename="view_subscriber_address"))

    response = editor_client.get(reverse("admin:alerts_subscriber_changelist"))

    assert response.status_code == 200
    assert "one@example.com" in response.content.decode()


def test_an_address_never_confirmed_is_forgotten_after_7_days(client, db, smtp):
    from django.core.management import call_command

    confirmed(client, smtp, email="kept@example.com")
    ask(client, email="kept@example.com", what="progress")  # never confirmed
    ask(client, email="never@example.com")

    call_command("forget_unconfirmed_alerts", verbosity=0)
    assert Subscriber.objects.count() == 2

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        call_command("forget_unconfirmed_alerts", verbosity=0)

    [kept] = Subscriber.objects.all()
    assert kept.email == "kept@example.com"
    assert [s.what for s in kept.subscriptions.all()] == [What.NEWS]
