"""Limits on asking for alert emails, so nobody can fill a stranger's inbox.

The forms live on cached pages that set no cookies, so, as for the feedback form, posts
are accepted only from this site's pages (feedback.protection.is_from_this_site) and
counted in the database (ratelimits). Two counts: per email address (whoever asks) and
per client. Both are kept as keyed hashes, never the address itself.
"""

from datetime import timedelta

from feedback.protection import is_from_this_site
from operations.middleware import client_ip
from ratelimits.limits import allow, key_for

__all__ = ["is_from_this_site", "client_over_limit", "address_over_limit"]

ADDRESS_LIMIT = 3  # emails to one address...
CLIENT_LIMIT = 10  # ...or requests from one client...
WINDOW_SECONDS = 60 * 60  # ...in an hour


def _over(key, limit):
    return not allow(key, limit, timedelta(seconds=WINDOW_SECONDS))


def client_over_limit(request):
    """True once this client has made CLIENT_LIMIT requests this hour; else counted."""
    return _over(key_for("alerts.client", client_ip(request)), CLIENT_LIMIT)


def address_over_limit(email):
    """True once ADDRESS_LIMIT emails went to this address this hour; else counted."""
    return _over(key_for("alerts.address", email.strip().lower()), ADDRESS_LIMIT)
