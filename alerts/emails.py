"""The emails: plain text with an HTML alternative, in plain English, with no images,
tracking pixels or rewritten links. Links are built from SITE_URL, never a request's
Host header, so a forged Host cannot put another site's address in our email."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.html import escape

from .models import CONFIRM_DAYS, Frequency
from .tokens import confirm_token, manage_token


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def unsubscribe_headers(subscriber, link=None):
    """RFC 8058 one-click unsubscribe: mail programs post to the link to stop all emails."""
    link = link or absolute(reverse("alerts:unsubscribe", args=[manage_token(subscriber)]))
    return {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def make(to, subject, template, context, headers=None):
    """An email in plain text with the same words in HTML."""
    context = {**context, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"alerts/email/{template}.txt", context),
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(
        render_to_string(f"alerts/email/{template}.html", context), "text/html"
    )
    return message


def send(to, subject, template, context, headers=None):
    make(to, subject, template, context, headers).send()


def ways_out(subscriber):
    """The links every alert ends with: manage, and stop everything at once."""
    token = manage_token(subscriber)
    return {
        "manage_link": absolute(reverse("alerts:manage", args=[token])),
        "unsubscribe_link": absolute(reverse("alerts:unsubscribe", args=[token])),
    }


def reasons(subscriber, lists, frequency):
    """Why they get this email: their confirmed subscriptions among these lists, in
    words (from subscriptions prefetched with the subscriber, when they are)."""
    return [
        subscription.describe()
        for subscription in subscriber.subscriptions.all()
        if subscription.confirmed_at
        and subscription.frequency == frequency
        and (lists is None or subscription.list_key in lists)
    ]


class Letter:
    """An alert or a summary, written once for everyone who gets it.

    Everyone gets the same words but three: why they get it, and their links to manage
    and to stop their emails. So the templates are rendered once, with a marker in
    each of those places, and each person's email is that text with their own words
    put in (HTML-escaped in the HTML, as the template would have). A change sent to
    thousands is rendered once, not thousands of times. The markers hold a random part,
    so no words an editor typed can be mistaken for one.
    """

    PLACES = ("reasons", "manage_link", "unsubscribe_link")

    def __init__(self, subject, template, context, frequency, lists=None):
        self.subject = subject
        self.frequency = frequency
        self.lists = lists
        self.marker = get_random_string(20)
        self.marks = {place: f"[{self.marker}:{place}]" for place in self.PLACES}
        context = {
            **context,
            "reasons": [self.marks["reasons"]],
            "manage_link": self.marks["manage_link"],
            "unsubscribe_link": self.marks["unsubscribe_link"],
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        self.text = render_to_string(f"alerts/email/{template}.txt", context)
        self.html = render_to_string(f"alerts/email/{template}.html", context)
        # Each person's links differ only by their token (letters, digits, -_: which
        # reverse() leaves as they are), so the addresses are reversed once too.
        self.manage_link = absolute(reverse("alerts:manage", args=[self.marker]))
        self.unsubscribe_link = absolute(reverse("alerts:unsubscribe", args=[self.marker]))

    def to(self, subscriber):
        """This person's email."""
        token = manage_token(subscriber)
        own = {
            "reasons": ", ".join(reasons(subscriber, self.lists, self.frequency)),
            "manage_link": self.manage_link.replace(self.marker, token),
            "unsubscribe_link": self.unsubscribe_link.replace(self.marker, token),
        }
        text, html = self.text, self.html
        for place, words in own.items():
            text = text.replace(self.marks[place], words)
            html = html.replace(self.marks[place], escape(words))
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=text,
            to=[subscriber.email],
            headers=unsubscribe_headers(subscriber, own["unsubscribe_link"]),
        )
        message.attach_alternative(html, "text/html")
        return message


def alert_letter(change):
    """The email about one change, written once for everyone who gets it."""
    context = {"change": change, "link": absolute(change.address)}
    return Letter(change.subject, "alert", context, Frequency.IMMEDIATELY, change.lists)


def alert_email(change, subscriber):
    """The email about one change, for one person."""
    return alert_letter(change).to(subscriber)


def digest_letter(digest, changes):
    """A daily or weekly summary of these changes, written once for everyone who gets
    the same ones."""
    daily = digest.frequency == Frequency.DAILY
    context = {
        "digest": digest,
        "changes": [(change, absolute(change.address)) for change in changes],
        "daily": daily,
    }
    period = "Daily" if daily else "Weekly"
    updates = f"{len(changes)} update{'s' if len(changes) != 1 else ''}"
    subject = f"{period} summary: {updates} from {settings.SITE_NAME}"
    return Letter(subject, "digest", context, digest.frequency)


def digest_email(digest, changes, subscriber):
    """A daily or weekly summary of several changes, for one person."""
    return digest_letter(digest, changes).to(subscriber)


def send_confirmation(subscription, frequency):
    """Asks the address to confirm: nothing else is sent to it until the link is clicked."""
    link = absolute(reverse("alerts:confirm", args=[confirm_token(subscription, frequency)]))
    context = {
        "link": link,
        "days": CONFIRM_DAYS,
        "about": subscription.describe(),
        "how_often": dict(subscription._meta.get_field("frequency").choices)[frequency],
    }
    send(subscription.subscriber.email, "Confirm your email alerts", "confirm", context)


def send_manage_link(subscriber):
    link = absolute(reverse("alerts:manage", args=[manage_token(subscriber)]))
    send(
        subscriber.email,
        "Manage your email alerts",
        "manage",
        {"link": link},
        headers=unsubscribe_headers(subscriber),
    )
