"""The review queue: who is told when an item goes into review or is sent back, and
what the admin home shows each person.

Submitting an item for review emails the Publishers (people who may publish that kind
of item and have an email address); a Publisher who sends it back emails the Editor
who submitted it, with the comment. The emails are background tasks (publishing/
tasks.py) queued when the save is committed, so a mail server that is down never
blocks or breaks a save: the task fails, and shows as failed in the task admin.

The queue on the admin home asks every registered kind of content with a `status`
(publishing.content.kinds()), one query per kind, so this app names none of them.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import DateTimeField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

from publishing import content
from publishing.history import day_and_time, person
from publishing.models import PreparedChange, Review, Status

# Who holds a permission: the backend that keeps groups and permissions.
PERMISSIONS_BACKEND = "django.contrib.auth.backends.ModelBackend"


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
    """What publishers sent back to this person, newest first, with their comments: one
    query, then one per kind of content among them."""
    reviews = (
        Review.objects.sent_back()
        .filter(submitted_by=user)
        .select_related("sent_back_by", "content_type")
        .prefetch_related("item")
        .order_by("-sent_back_at")
    )
    found = []
    for review in reviews:
        item = review.item
        if item is None or item.status != Status.DRAFT:
            continue
        kind = content.of(item)
        label = kind.label if kind else str(item._meta.verbose_name).capitalize()
        found.append(SentBack(review=review, label=label, change_url=change_url(item)))
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
    if item is None:
        return []
    label = kind_label(item)
    if item.status == Status.IN_REVIEW:
        what = f"this {label.lower()} to be checked before it goes on the site"
    elif PreparedChange.objects.waiting_for_review().for_item(item).exists():
        what = f"changes to this live {label.lower()} to be checked before they go on the site"
    else:
        return []  # published or sent back before the task ran: nothing to ask
    who = person(review.submitted_by) or "Someone"
    body = (
        f"{who} has asked for {what}:\n\n“{item}”\n\n"
        f"Open it to publish it, or to send it back with a comment:\n"
        f"{settings.SITE_URL}{change_url(item)}\n\n"
        f"Everything waiting for review is listed on the admin home page:\n"
        f"{settings.SITE_URL}{reverse('admin:index')}\n"
    )
    return [
        EmailMessage(f"Waiting for review: {item}", body, to=[user.email])
        for user in publishers_of(item, besides=review.submitted_by)
    ]


def sent_back_emails(review):
    item, editor = review.item, review.submitted_by
    if item is None or editor is None or not editor.email:
        return []
    label = kind_label(item)
    body = (
        f"{person(review.sent_back_by) or 'A publisher'} has sent this {label.lower()} back "
        f"to you on {day_and_time(review.sent_back_at)}, before it goes on the site:\n\n"
        f"“{item}”\n\nTheir comment:\n\n{review.comment}\n\n"
        f"It is a draft again. Change it, then set it to “In review” to send it back:\n"
        f"{settings.SITE_URL}{change_url(item)}\n"
    )
    return [EmailMessage(f"Sent back to you: {item}", body, to=[editor.email])]


def send_review_emails(review_id, event):
    """Send the emails of a submission ("submitted") or a sending back ("sent_back").
    Returns how many were sent. A mail server that cannot be reached raises, so the
    task fails and shows as failed."""
    review = Review.objects.select_related("submitted_by", "sent_back_by").filter(pk=review_id)
    review = review.first()
    if review is None:
        return 0
    emails = {"submitted": submitted_emails, "sent_back": sent_back_emails}[event](review)
    if not emails:
        return 0
    with get_connection() as connection:
        return connection.send_messages(emails) or 0


def tell(review, event):
    """Queue the emails once the save is committed. Queueing that fails (the queue's
    database or Redis unreachable) is logged: the save itself has happened."""
    from publishing.tasks import email_review

    def enqueue():
        email_review.enqueue(review.pk, event)

    transaction.on_commit(enqueue, robust=True)
