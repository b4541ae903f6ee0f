"""The links in alert emails: signed with the site's secret key, carrying ids only.

A signed value is readable (base64), so no link holds the address itself. The
confirmation link also holds the subscription's last change time, so it works once:
confirming changes it. It lasts CONFIRM_DAYS. The manage link does not expire, as an
alert sent months later must still offer a way out; stopping all emails deletes the
subscriber, and with it every link's target.
"""

from datetime import timedelta

from django.core import signing

from .models import CONFIRM_DAYS, Subscriber, Subscription

CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"


class LinkProblem(Exception):
    """The link is not one we sent, has expired, or has been used."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def confirm_token(subscription, frequency):
    value = {"s": subscription.pk, "f": frequency, "v": subscription.updated_at.isoformat()}
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(value)


def read_confirm_token(token):
    """The subscription and chosen frequency, or LinkProblem("expired"/"used"/"bad")."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        value = signer.unsign_object(token, max_age=timedelta(days=CONFIRM_DAYS))
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkProblem("bad") from None
    if not isinstance(value, dict) or not isinstance(value.get("s"), int):
        raise LinkProblem("bad")
    subscription = (
        Subscription.objects.select_related("subscriber", "priority").filter(pk=value["s"]).first()
    )
    if subscription is None or subscription.updated_at.isoformat() != value.get("v"):
        raise LinkProblem("used")
    return subscription, value.get("f")


def manage_token(subscriber):
    return signing.dumps(subscriber.pk, salt=MANAGE_SALT)


def read_manage_token(token):
    """The subscriber, or None for a link that is not ours or whose address is gone."""
    try:
        pk = signing.loads(token, salt=MANAGE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int):
        return None
    return Subscriber.objects.filter(pk=pk).first()
