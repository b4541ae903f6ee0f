"""The emails: plain text with an HTML alternative, in plain English, with no images,
tracking pixels or rewritten links. Links are built from SITE_URL, never a request's
Host header, so a forged Host cannot put another site's address in our email."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

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


def alert_email(change, subscriber):
    """The email about one change, for one person."""
    context = {
        "change": change,
        "link": absolute(change.address),
        "reasons": reasons(subscriber, change.lists, Frequency.IMMEDIATELY),
        **ways_out(subscriber),
    }
    headers = unsubscribe_headers(subscriber, context["unsubscribe_link"])
    return make(subscriber.email, change.subject, "alert", context, headers)


def digest_email(digest, changes, subscriber):
    """A daily or weekly summary of several changes, for one person."""
    context = {
        "digest": digest,
        "changes": [(change, absolute(change.address)) for change in changes],
        "reasons": reasons(subscriber, None, digest.frequency),
        "daily": digest.frequency == Frequency.DAILY,
        **ways_out(subscriber),
    }
    period = "Daily" if context["daily"] else "Weekly"
    updates = f"{len(changes)} update{'s' if len(changes) != 1 else ''}"
    subject = f"{period} summary: {updates} from {settings.SITE_NAME}"
    headers = unsubscribe_headers(subscriber, context["unsubscribe_link"])
    return make(subscriber.email, subject, "digest", context, headers)


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
