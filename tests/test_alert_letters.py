"""An alert is rendered once per change (alerts.emails.Letter) and each person's words put
in: what each person gets must be exactly the templates rendered for them alone."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from alerts.emails import (
    PreparedEmail,
    absolute,
    alert_letter,
    digest_letter,
    reasons,
    ways_out,
)
from alerts.models import Change, Digest, Frequency, Reason, What
from news.models import PressRelease
from tests.factories import PriorityFactory, StrategyFactory
from tests.test_alert_sending import subscribe

# Words that HTML escapes, in what an editor typed and in a priority's title.
AWKWARD = 'Short breaks & "respite" <for> everyone'


def rendered_alone(template, subscriber, lists, frequency, **context):
    """The email's text and HTML rendered for this one person, as a template would."""
    context |= {
        "reasons": reasons(subscriber, lists, frequency),
        **ways_out(subscriber),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    return (
        render_to_string(f"alerts/email/{template}.txt", context),
        render_to_string(f"alerts/email/{template}.html", context),
    )


@pytest.fixture
def people(db):
    priority = PriorityFactory(strategy=StrategyFactory(), short_title=AWKWARD)
    return priority, [
        subscribe(
            "parent@example.org",
            (What.NEWS, Frequency.IMMEDIATELY),
            (priority, Frequency.IMMEDIATELY),
            (What.EVERYTHING, Frequency.DAILY),
        ),
        subscribe("carer@example.org", (priority, Frequency.IMMEDIATELY)),
        subscribe("daily@example.org", (What.NEWS, Frequency.DAILY)),
        subscribe("priority-daily@example.org", (priority, Frequency.DAILY)),
    ]


def announced_change(title, lists, reason=Reason.PUBLISHED, note=""):
    return Change.objects.create(
        content_type=ContentType.objects.get_for_model(PressRelease),
        object_id=Change.objects.count() + 1,
        reason=reason,
        due_at=timezone.now(),
        announced_at=timezone.now(),
        kind_label="Press release",
        title=title,
        summary=f"{AWKWARD}: the summary.",
        note=note,
        address="/news/short-breaks/",
        lists=lists,
    )


@pytest.mark.parametrize("reason", [Reason.PUBLISHED, Reason.UPDATED])
def test_each_persons_alert_is_the_template_rendered_for_them_alone(people, reason):
    priority, subscribers = people
    change = announced_change(
        AWKWARD, ["everything", "news", f"priority:{priority.pk}"], reason, note=AWKWARD
    )
    letter = alert_letter(change)
    for subscriber in subscribers[:2]:
        email = letter.to(subscriber)
        text, html = rendered_alone(
            "alert",
            subscriber,
            change.lists,
            Frequency.IMMEDIATELY,
            change=change,
            link=absolute(change.address),
        )
        assert (email.body, email.alternatives[0].content) == (text, html)
        assert email.to == [subscriber.email]
        assert email.subject == change.subject
        assert (
            email.extra_headers["List-Unsubscribe"]
            == f"<{ways_out(subscriber)['unsubscribe_link']}>"
        )


def test_each_persons_summary_is_the_template_rendered_for_them_alone(people):
    priority, subscribers = people
    changes = [
        announced_change(AWKWARD, ["everything", "news"]),
        announced_change("Second", ["everything", f"priority:{priority.pk}"]),
    ]
    start = timezone.now()
    digest = Digest.objects.create(frequency=Frequency.DAILY, period_start=start, period_end=start)
    letter = digest_letter(digest, changes)
    for subscriber in (subscribers[0], *subscribers[2:]):
        email = letter.to(subscriber)
        text, html = rendered_alone(
            "digest",
            subscriber,
            None,
            Frequency.DAILY,
            digest=digest,
            changes=[(change, absolute(change.address)) for change in changes],
            daily=True,
        )
        assert (email.body, email.alternatives[0].content) == (text, html)
        assert email.subject == "Daily summary: 2 updates from Meeting Needs Together"


def received(smtp, email):
    """The email as the mail server received it, sent through Django's SMTP backend."""
    before = len(smtp.messages)
    assert get_connection().send_messages([email]) == 1
    (message,) = smtp.messages[before:]
    return message


def same_email(one, other):
    """Headers and parts alike, but for the multipart boundary (random for each email)
    and how a long header is folded over two lines (which changes nothing)."""

    def headers(message):
        return [(name, " ".join(value.split())) for name, value in message.items()]

    assert [h for h in headers(one) if h[0] != "Content-Type"] == [
        h for h in headers(other) if h[0] != "Content-Type"
    ]
    assert one.get_content_type() == other.get_content_type() == "multipart/alternative"
    assert [(headers(p), p.get_content()) for p in one.iter_parts()] == [
        (headers(p), p.get_content()) for p in other.iter_parts()
    ]


def test_the_email_a_mail_server_receives_is_the_one_django_would_have_made(people, smtp):
    priority, subscribers = people
    change = announced_change(AWKWARD, ["everything", "news", f"priority:{priority.pk}"])
    letter = alert_letter(change)
    for subscriber in subscribers[:2]:
        email = letter.to(subscriber)
        assert isinstance(email, PreparedEmail), "its bytes were made from the letter's"
        ordinary = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body,
            to=email.to,
            headers=email.extra_headers,
            alternatives=email.alternatives,
        )
        sent = received(smtp, email)
        same_email(sent, received(smtp, ordinary))
        assert sent.recipients == [subscriber.email]
        assert "Why you got this email" in sent.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    "email, title",
    [
        ("parent@example.org", "Short breaks – for everyone"),  # an en dash: not ASCII
        ("josé@example.org", "Short breaks"),
    ],
)
def test_words_and_addresses_django_would_encode_are_sent_as_django_makes_them(
    db, smtp, email, title
):
    priority = PriorityFactory(strategy=StrategyFactory(), short_title=title)
    subscriber = subscribe(email, (priority, Frequency.IMMEDIATELY))
    letter = alert_letter(announced_change("A change", [f"priority:{priority.pk}"]))
    message = received(smtp, letter.to(subscriber))
    assert message["To"] == email
    assert f"emails about {priority}, as it happens" in message.get_body(("plain",)).get_content()
    assert f"emails about {priority}, as it happens" in message.get_body(("html",)).get_content()
