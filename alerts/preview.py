"""A publisher's preview of an alert: the email a subscriber would get about an item,
built from the item as it is saved now, sent to the publisher alone.

It goes through the real email's code (`changes.describe`, `emails.alert_email`) with
an unsaved Change and a stand-in reader, so nothing is recorded and no subscriber is
emailed. The reader has no id, so the preview's "manage" and "stop" links lead to the
page that says a link does not work: they can never open a real subscriber's page.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .changes import alert_kind, describe
from .emails import alert_letter
from .models import Change, Frequency, Reason, Subscription

PREFIX = "[Preview] "


class PreviewReader:
    """Stands in for a subscriber: an address, on the item's list, with no record."""

    pk = id = None

    def __init__(self, email, subscriptions):
        self.email = email
        self._subscriptions = list(subscriptions)

    @property
    def subscriptions(self):
        return self  # read as a related manager: `reader.subscriptions.all()`

    def all(self):
        return self._subscriptions


def may_preview(user, item):
    """Whoever may publish the item may preview its alert."""
    model = type(item)
    if hasattr(model, "publish_permission"):
        return user.has_perm(model.publish_permission())
    return user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")


def preview_email(item, to):
    """The alert about the item's publication, as its list's subscribers would get it,
    addressed to `to`, its subject marked as a preview. Not sent."""
    kind = alert_kind(type(item))
    now = timezone.now()
    change = Change(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        reason=Reason.PUBLISHED,
        due_at=now,
        announced_at=now,
    )
    describe(change, kind, item)
    on_its_list = Subscription(
        what=kind.alert_list, frequency=Frequency.IMMEDIATELY, confirmed_at=now
    )
    letter = alert_letter(change)
    letter.subject = PREFIX + letter.subject
    reader = PreviewReader(to, [on_its_list])
    return letter.email(letter.words(reader), reader.email)
