"""The review queue: who is told when an item goes into review or is sent back, and
what the admin home shows each person.

Submitting an item for review emails the Publishers (people who may publish that kind
of item and have an email address); a Publisher who sends it back emails the Editor
who submitted it, with the comment. The emails are background tasks (publishing/
tasks.py) queued when the save is committed, so a mail server that is down never
blocks or breaks a save: the task fails, and shows as failed in the task admin.

No email is lost and none is sent twice: the `Review` records when each event's emails
went, and each person's email as the mail server takes it (`ReviewEmail`). Emails that
have not gone a few minutes after their event (the mail server was down, the task was
lost) are queued again by `catch_up()`, which cron runs (`manage.py send_review_emails`);
a try skips whoever already has theirs.

The queue on the admin home asks every registered kind of content with a `status`
(publishing.content.kinds()), one query per kind, so this app names none of them.
"""

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import DateTimeField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from publishing import content
from publishing.history import day_and_time, person
from publishing.models import PreparedChange, Review, ReviewEmail, Status

# Who holds a permission: the backend that keeps groups and permissions.
PERMISSIONS_BACKEND = "django.contrib.auth.backends.ModelBackend"
# Emails not sent this long after their event are queued again: by then the task queued
# with the event has run, or was lost.
RETRY_AFTER = timedelta(minutes=5)
# How long a worker has a review's emails to itself: far longer than a few emails take,
# each SMTP step being limited by EMAIL_TIMEOUT.
EMAILING_LEASE = timedelta(minutes=5)


@dataclass
class Waiting:
    item: object
    label: str  # the kind of content, e.g. "Press release"
    since: datetime
    submitted_by: str
    change_url: str
    what: str = ""  # "changes to the live page", for prepared changes


@dataclass
class SentBack:
    review: Review
    label: str
    change_url: str
    prepared: bool = False  # changes prepared to a live item, not a draft


def change_url(item):
    meta = item._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])
    except NoReverseMatch:
        return ""


def reviewed_kinds():
    """The registered kinds of content that go through review (they have a status)."""
    return [
        kind
        for kind in content.kinds()
        if any(field.name == "status" for field in kind.model._meta.concrete_fields)
    ]


def waiting_for(user):
    """What waits for this person's review, oldest first: items in review of every kind
    they may publish. One query per such kind."""
    waiting = []
    for kind in reviewed_kinds():
        model = kind.model
        if not user.has_perm(model.publish_permission()):
            continue
        latest = Review.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk")
        ).open()
        items = model._default_manager.filter(status=Status.IN_REVIEW).annotate(
            review_since=Coalesce(
                Subquery(latest.values("submitted_at")[:1]),
                "updated_at",
                output_field=DateTimeField(),
            ),
            review_by_first=Subquery(latest.values("submitted_by__first_name")[:1]),
            review_by_last=Subquery(latest.values("submitted_by__last_name")[:1]),
            review_by_username=Subquery(latest.values("submitted_by__username")[:1]),
        )
        for item in items:
            name = f"{item.review_by_first or ''} {item.review_by_last or ''}".strip()
            waiting.append(
                Waiting(
                    item=item,
                    label=kind.label,
                    since=item.review_since,
                    submitted_by=name or item.review_by_username or "",
                    change_url=change_url(item),
                )
            )
    return sorted([*waiting, *prepared_waiting_for(user)], key=lambda entry: entry.since)


def prepared_waiting_for(user):
    """Changes prepared to live items that their editors asked to be published, of the
    kinds this person may publish: one query, then one per kind among them."""
    mine = [kind for kind in reviewed_kinds() if user.has_perm(kind.model.publish_permission())]
    if not mine:
        return []
    types = ContentType.objects.get_for_models(*(kind.model for kind in mine))
    kinds = {types[kind.model].pk: kind for kind in mine}
    changes = (
        PreparedChange.objects.waiting_for_review()
        .filter(content_type_id__in=kinds)
        .select_related("prepared_by")
        .prefetch_related("item")
    )
    return [
        Waiting(
            item=change.item,
            label=kinds[change.content_type_id].label,
            since=change.prepared_at,
            submitted_by=person(change.prepared_by),
            change_url=change_url(change.item),
            what="changes to the live page",
        )
        for change in changes
        if change.item is not None
    ]


def sent_back_to(user):
    """What publishers sent back to this person, newest first, with their comments: two
    queries, then one per kind of content among them."""
    reviews = (
        Review.objects.sent_back()
        .filter(submitted_by=user)
        .select_related("sent_back_by", "content_type")
        .prefetch_related("item")
        .order_by("-sent_back_at")
    )
    prepared = set(PreparedChange.objects.open().values_list("content_type_id", "object_id"))
    found = []
    for review in reviews:
        item = review.item
        if item is None:
            continue
        live = (review.content_type_id, review.object_id) in prepared
        if item.status != Status.DRAFT and not live:
            continue  # published since (an item, or the changes prepared to a live one)
        kind = content.of(item)
        label = kind.label if kind else str(item._meta.verbose_name).capitalize()
        found.append(
            SentBack(review=review, label=label, change_url=change_url(item), prepared=live)
        )
    return found


# Emails ---------------------------------------------------------------------------------


def publishers_of(item, *, besides=None):
    """Active people who may publish this item and have an email address."""
    users = (
        get_user_model()
        .objects.with_perm(item.publish_permission(), backend=PERMISSIONS_BACKEND)
        .exclude(email="")
    )
    if besides is not None:
        users = users.exclude(pk=besides.pk)
    return list(users.order_by("pk"))


def kind_label(item):
    kind = content.of(item)
    return kind.label if kind else str(item._meta.verbose_name).capitalize()


def submitted_emails(review):
    item = review.item
    if item is None or review.closed_at is not None:
        return []  # published, sent back or submitted again since: nothing to ask
    label = kind_label(item).lower()
    if item.status == Status.IN_REVIEW:
        what = f"this {label} to be checked before it goes on the site"
    elif PreparedChange.objects.waiting_for_review().for_item(item).exists():
        what = f"changes to this live {label} to be checked before they go on the site"
    else:
        return []  # published or sent back before the task ran: nothing to ask
    who = person(review.submitted_by) or "Someone"
    if review.restored_from is not None:
        asked = (
            f"{who} has restored an earlier version of this {label} (the one saved on "
            f"{day_and_time(review.restored_from)}) and asked for it to be checked before "
            "it goes on the site"
        )
    else:
        asked = f"{who} has asked for {what}"
    body = (
        f"{asked}:\n\n“{item}”\n\nOpen it to publish it, or to send it back with a comment:\n"
        f"{settings.SITE_URL}{change_url(item)}\n\n"
        f"Everything waiting for review is listed on the admin home page:\n"
        f"{settings.SITE_URL}{reverse('admin:index')}\n"
    )
    # One email an address, should two accounts share one.
    addresses = dict.fromkeys(
        user.email for user in publishers_of(item, besides=review.submitted_by)
    )
    return [EmailMessage(f"Waiting for review: {item}", body, to=[to]) for to in addresses]


def sent_back_emails(review):
    item, editor = review.item, review.submitted_by
    if item is None or editor is None or not editor.email:
        return []
    if review.closed_at is not None:
        return []  # changed and submitted again, or published, since: nothing to say
    label = kind_label(item).lower()
    if item.status == Status.DRAFT:
        what = f"this {label} back to you on {day_and_time(review.sent_back_at)}, before it goes"
        then = "It is a draft again. Change it, then set it to “In review” to send it back"
    elif PreparedChange.objects.open().for_item(item).exists():
        what = (
            f"your changes to this live {label} back to you on "
            f"{day_and_time(review.sent_back_at)}, before they go"
        )
        then = (
            "The live page has not changed. Change the prepared changes, then tick “Ask a "
            "publisher to publish these changes” to send them back"
        )
    else:
        return []  # published or discarded since: nothing to say
    body = (
        f"{person(review.sent_back_by) or 'A publisher'} has sent {what} on the site:\n\n"
        f"“{item}”\n\nTheir comment:\n\n{review.comment}\n\n"
        f"{then}:\n{settings.SITE_URL}{change_url(item)}\n"
    )
    return [EmailMessage(f"Sent back to you: {item}", body, to=[editor.email])]


EMAILS = {Review.Event.SUBMITTED: submitted_emails, Review.Event.SENT_BACK: sent_back_emails}


def refused_for_good(error):
    """The mail server refused this address or this email for good (a 5xx answer, such
    as a mailbox that does not exist), not the connection: trying again will not help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def send_review_emails(review_id, event):
    """Send the emails of a submission ("submitted") or a sending back ("sent_back")
    that have not gone yet. Returns how many were sent.

    A mail server that cannot be reached (or refuses for now) raises, so the task fails
    and shows as failed; what went before is recorded, and `catch_up()` queues the rest
    again. An address refused for good is recorded and not tried again."""
    if not Review.claim_emails(review_id, event, EMAILING_LEASE):
        return 0  # sent already, or another worker is sending them
    try:
        review = Review.objects.select_related("submitted_by", "sent_back_by").get(pk=review_id)
        done = set(review.emails.filter(event=event).values_list("to", flat=True))
        emails = [email for email in EMAILS[event](review) if email.to[0] not in done]
        sent = deliver(review, event, emails) if emails else 0
    except BaseException:
        Review.release_emails(review_id)
        raise
    Review.emails_sent(review_id, event)
    return sent


def deliver(review, event, emails):
    """Send each email on one connection, recording each as the server answers it."""
    sent = 0
    with get_connection() as connection:
        for email in emails:
            try:
                connection.send_messages([email])
            except smtplib.SMTPException as error:
                if not refused_for_good(error):
                    raise
                refused = str(error)[:300]
            else:
                refused = ""
                sent += 1
            ReviewEmail.objects.create(review=review, event=event, to=email.to[0], refused=refused)
    return sent


def catch_up(now=None):
    """Queue again the review emails not sent a few minutes after their event (what
    `manage.py send_review_emails` does). Safe to run at any time: a queued email that
    has gone meanwhile is not sent again. Returns how many events were queued."""
    from publishing.tasks import email_review

    before = (now or timezone.now()) - RETRY_AFTER
    queued = 0
    for review in Review.objects.emails_not_sent(before):
        for event in review.emails_not_sent(before):
            email_review.enqueue(review.pk, event)
            queued += 1
    return queued


def tell(review, event):
    """Queue the emails once the save is committed. Queueing that fails (the queue's
    database or Redis unreachable) is logged: the save itself has happened, and
    `catch_up()` queues the emails a few minutes later."""
    from publishing.tasks import email_review

    def enqueue():
        email_review.enqueue(review.pk, event)

    transaction.on_commit(enqueue, robust=True)
