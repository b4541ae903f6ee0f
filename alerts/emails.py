"""The emails: plain text with an HTML alternative, in plain English, with no images,
tracking pixels or rewritten links. Links are built from SITE_URL, never a request's
Host header, so a forged Host cannot put another site's address in our email."""

from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT
from django.core.mail.utils import DNS_NAME
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


class PreparedMessage(Message):
    """A MIME message whose bytes were made already (by `Letter.to`): its headers are
    parsed back from them, so it reads like any message, and it gives those bytes."""

    def as_bytes(self, unixfrom=False, linesep="\n"):
        return self.data if linesep == "\r\n" else self.data.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(unixfrom, linesep).decode("utf-8", "surrogateescape")


class PreparedEmail(EmailMultiAlternatives):
    """One person's copy of a letter, whose MIME bytes are the letter's, made once by
    Django, with this person's words put in."""

    def __init__(self, data, **kwargs):
        super().__init__(**kwargs)
        self.data = data

    def message(self):
        message = BytesHeaderParser(PreparedMessage).parsebytes(self.data)
        message.data = self.data
        return message


def plain(words):
    """Words a header or a 7-bit body can take as they are."""
    return words.isascii() and words.isprintable()


class Letter:
    """An alert or a summary, written once for everyone who gets it.

    Everyone gets the same words but three: why they get it, and their links to manage
    and to stop their emails. So the templates are rendered once, with a marker in
    each of those places, and each person's email is that text with their own words
    put in (HTML-escaped in the HTML, as the template would have). A change sent to
    thousands is rendered once, not thousands of times. The markers hold a random part,
    so no words an editor typed can be mistaken for one.

    The email itself (MIME: headers, parts, their encodings) is made once too, by
    Django, with markers for the words, the address, the date and the Message-ID; each
    person's bytes are those with their own put in. When that could change more than
    the words (words or an address that are not plain ASCII, which Django would encode,
    or a line over email's 998-character limit, which Django would send
    quoted-printable), the person's email is made the ordinary way instead.
    """

    PLACES = ("reasons", "manage_link", "unsubscribe_link")

    def __init__(self, subject, template, context, frequency, lists=None):
        self.subject = subject
        self.frequency = frequency
        self.lists = lists
        self.marker = get_random_string(64)  # as long as a person's token, or longer
        self.marks = {
            (place, part): f"[{self.marker}:{place}:{part}]"
            for place in self.PLACES
            for part in ("text", "html")
        }
        context = {
            **context,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        self.text, self.html = (
            render_to_string(
                f"alerts/email/{template}.{extension}",
                {
                    **context,
                    "reasons": [self.marks["reasons", part]],
                    "manage_link": self.marks["manage_link", part],
                    "unsubscribe_link": self.marks["unsubscribe_link", part],
                },
            )
            for part, extension in (("text", "txt"), ("html", "html"))
        )
        # Each person's links differ only by their token (letters, digits, -_: which
        # reverse() leaves as they are), so the addresses are reversed once too.
        self.manage_link = absolute(reverse("alerts:manage", args=[self.marker]))
        self.unsubscribe_link = absolute(reverse("alerts:unsubscribe", args=[self.marker]))
        self.prepared = self.prepare()

    def words(self, subscriber):
        """This person's own words, by place."""
        token = manage_token(subscriber)
        return {
            "reasons": ", ".join(reasons(subscriber, self.lists, self.frequency)),
            "manage_link": self.manage_link.replace(self.marker, token),
            "unsubscribe_link": self.unsubscribe_link.replace(self.marker, token),
        }

    def email(self, words, to, headers=None, email_class=EmailMultiAlternatives, **kwargs):
        text, html = self.text, self.html
        for place in self.PLACES:
            text = text.replace(self.marks[place, "text"], words[place])
            html = html.replace(self.marks[place, "html"], escape(words[place]))
        message = email_class(
            subject=self.subject,
            body=text,
            to=[to],
            headers={**(headers or {}), **unsubscribe_headers(None, words["unsubscribe_link"])},
            **kwargs,
        )
        message.attach_alternative(html, "text/html")
        return message

    def prepare(self):
        """The email's bytes as Django makes them, with markers for what differs from
        person to person; None if a marker did not come through as it went in."""
        # Short markers in the headers Django would fold if long (a person's address
        # and Message-ID are shorter than a marker holding the whole random part).
        short = self.marker[:16]
        to, date, message_id = (f"[{short}:{name}]" for name in ("to", "date", "id"))
        model = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text,
            to=[to],
            # The link with the marker for a token is as long as a person's (both are
            # folded onto a line of their own, as Django folds a long header).
            headers={
                "Date": date,
                "Message-ID": message_id,
                **unsubscribe_headers(None, self.unsubscribe_link),
            },
        )
        model.attach_alternative(self.html, "text/html")
        data = model.message().as_bytes(linesep="\r\n")
        expected = {
            mark: self.text.count(mark) + self.html.count(mark) for mark in self.marks.values()
        }
        self.header_marks = {"to": to, "date": date, "message_id": message_id}
        expected |= dict.fromkeys((self.unsubscribe_link, *self.header_marks.values()), 1)
        if any(data.count(mark.encode()) != count for mark, count in expected.items()):
            return None
        return data

    def to(self, subscriber):
        """This person's email."""
        words = self.words(subscriber)
        if self.prepared is None or not all(map(plain, (subscriber.email, *words.values()))):
            return self.email(words, subscriber.email)
        headers = {
            "to": subscriber.email,
            "date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
            "message_id": make_msgid(domain=DNS_NAME),
        }
        data = self.prepared
        for place in self.PLACES:
            data = data.replace(self.marks[place, "text"].encode(), words[place].encode())
            data = data.replace(self.marks[place, "html"].encode(), escape(words[place]).encode())
        data = data.replace(self.unsubscribe_link.encode(), words["unsubscribe_link"].encode())
        for name, value in headers.items():
            data = data.replace(self.header_marks[name].encode(), value.encode())
        if max(map(len, data.split(b"\r\n"))) > RFC5322_EMAIL_LINE_LENGTH_LIMIT:
            return self.email(words, subscriber.email)
        return self.email(
            words,
            subscriber.email,
            {"Date": headers["date"], "Message-ID": headers["message_id"]},
            email_class=PreparedEmail,
            data=data,
        )


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
