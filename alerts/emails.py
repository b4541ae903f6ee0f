"""The emails: plain text with an HTML alternative, in plain English, with no images,
tracking pixels or rewritten links. Links are built from SITE_URL, never a request's
Host header, so a forged Host cannot put another site's address in our email."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import CONFIRM_DAYS
from .tokens import confirm_token, manage_token


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def unsubscribe_headers(subscriber):
    """RFC 8058 one-click unsubscribe: mail programs post to the link to stop all emails."""
    link = absolute(reverse("alerts:unsubscribe", args=[manage_token(subscriber)]))
    return {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def send(to, subject, template, context, headers=None):
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
    message.send()


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
