"""An alert is rendered once per change (alerts.emails.Letter) and each person's words put
in: what each person gets must be exactly the templates rendered for them alone."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils import timezone

from alerts.emails import absolute, alert_letter, digest_letter, reasons, ways_out
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
