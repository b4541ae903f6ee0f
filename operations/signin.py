"""
Two limits on guessing the admin sign-in: per username at one address, and per username
from everywhere (settings.AXES_HANDLER).

django-axes counts failed sign-ins and locks what it counts, but it has one failure limit
for every way of counting. One limit cannot serve both purposes:

- **Per username at one address** (`AXES_FAILURE_LIMIT` wrong passwords within
  `AXES_COOLOFF_TIME`): low, so one address soon stops guessing, and it locks no one
  anywhere else. This is axes' own lock (`AXES_LOCKOUT_PARAMETERS`).
- **Per username from everywhere** (`SIGN_IN_ACCOUNT_FAILURE_LIMIT` in the same time):
  so that many addresses together (a botnet, or IPv6 addresses, of which one attacker
  has billions) cannot keep guessing one account. Each address counts for at most
  `AXES_FAILURE_LIMIT` of these failures: otherwise one attacker, guessing on at one
  address after its own lock, would lock the real editor out everywhere.

Both are counted from axes' own records (`AccessAttempt`), so axes' commands and admin
lift both: `manage.py axes_reset_username <username>` ends every lock on that username.
A username that has no account is counted and locked like one that has, so a lock says
nothing about whether an account exists.
"""

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

logger = logging.getLogger(__name__)


def account_failures(username, now=None):
    """Wrong passwords for `username` from every address within the cool-off time, at most
    AXES_FAILURE_LIMIT of them from any one address."""
    if not username:
        return 0
    since = (now or timezone.now()) - settings.AXES_COOLOFF_TIME
    per_address = (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
        .order_by()  # the model's ordering would split the groups
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"))
    )
    return sum(min(row["failures"], settings.AXES_FAILURE_LIMIT) for row in per_address)


def is_locked_everywhere(request, credentials=None):
    """Has `credentials`' username had too many wrong passwords from all addresses together?"""
    username = get_client_username(request, credentials)
    now = getattr(request, "axes_attempt_time", None)
    return account_failures(username, now) >= settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT


class SignInLimits(AxesDatabaseHandler):
    """axes' database handler, with the per-account limit beside its per-address one."""

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or is_locked_everywhere(request, credentials)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        # axes has counted this failure and locked the username at this address if that
        # limit is reached; the account's limit may have been reached instead.
        if request is None or request.axes_locked_out:
            return
        if is_locked_everywhere(request, credentials):
            username = get_client_username(request, credentials)
            logger.warning(
                "Sign-in: %s wrong passwords for one username from several addresses; "
                "it is locked everywhere for %s minutes",
                settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT,
                int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            )
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )
