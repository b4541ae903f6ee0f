"""
What the log says about requests that went wrong: one problem, one line.

- A 4xx (a page not found, a forbidden page, a bad or suspicious request such as an
  unknown Host) is a visitor's mistake or someone probing, not a fault of the site:
  one line without a traceback, with anything long (a 5,000-character Host header)
  cut short and anything that would break the line escaped, so nobody can fill the log
  or forge lines in it. `ClientErrorsInOneLine`, on the console handler, because
  Django logs suspicious requests to a logger per kind (django.security.DisallowedHost,
  django.security.csrf, ...).
- A database outage is logged when it starts, at most every ten minutes while it lasts,
  and when it ends; not once per request or health check, which would bury everything
  else (1,599 tracebacks in ten seconds). `Outage` keeps this process's state: the
  health check reports to it, and `OneLinePerOutage`, on the django.request logger,
  turns each 500 the outage causes into a report to it (and leaves out the health
  check's 503s, which are answers). Only the health check sees the database answer
  again, so it is what logs the end.
"""

import logging
import threading
from datetime import timedelta

from django.db import InterfaceError, OperationalError
from django.utils import timezone

logger = logging.getLogger(__name__)

# The longest a line about a client's error may be; a URL or a Host header can be
# thousands of characters, all of them chosen by whoever sent it.
MAX_LENGTH = 400


def one_line(text, limit=MAX_LENGTH):
    """`text` on one line (control characters escaped), cut to `limit` characters."""
    text = "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )
    if len(text) > limit:
        return f"{text[:limit]}... ({len(text):,} characters, cut short)"
    return text


def count(number, noun):
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def duration(delta):
    seconds = int(delta.total_seconds())
    return count(seconds, "second") if seconds < 120 else count(seconds // 60, "minute")


def is_client_error(record):
    if record.name == "django.security" or record.name.startswith("django.security."):
        return True  # SuspiciousOperation and its kinds, and CSRF failures: all 4xx
    return record.name == "django.request" and 400 <= getattr(record, "status_code", 0) < 500


class ClientErrorsInOneLine(logging.Filter):
    def filter(self, record):
        if is_client_error(record):
            try:
                message = record.getMessage()
            except (TypeError, ValueError):  # a malformed call: leave it to the handler
                return True
            record.msg = one_line(message)
            record.args = ()
            record.exc_info = record.exc_text = record.stack_info = None
        return True


class Outage:
    """Whether this process has found a dependency unavailable, so that an outage is
    logged when it starts and ends, and not once per failure."""

    # While it lasts, a reminder at most this often: the health check may never be
    # called (and so never see it end), and a new outage must not go unseen.
    REMIND_AFTER = timedelta(minutes=10)

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.down_since = None
        self.last_logged = None
        self.failures = 0

    def failed(self, error, noticed_by):
        """Count a failure; log it if it starts an outage or the last line is old."""
        now = timezone.now()
        with self.lock:
            self.failures += 1
            if self.down_since is None:
                self.down_since = self.last_logged = now
                starts = True
            elif now - self.last_logged >= self.REMIND_AFTER:
                self.last_logged = now
                starts = False
            else:
                return
            failures, since = self.failures, self.down_since
        error = one_line(f"{type(error).__name__}: {error}")
        if starts:
            logger.error(
                "The %s is unavailable (%s), noticed by %s. Until it is back, its "
                "failures are not logged one by one.",
                self.name,
                error,
                noticed_by,
            )
        else:
            logger.error(
                "The %s is still unavailable, after %s: %s so far (the last: %s).",
                self.name,
                duration(now - since),
                count(failures, "failure"),
                error,
            )

    def answered(self):
        """It worked: if it was down, log that it is back."""
        if self.down_since is None:  # the usual case, without taking the lock
            return
        now = timezone.now()
        with self.lock:
            if self.down_since is None:
                return
            since, failures = self.down_since, self.failures
            self.down_since = self.last_logged = None
            self.failures = 0
        logger.warning(
            "The %s is available again, after %s unavailable and %s.",
            self.name,
            duration(now - since),
            count(failures, "failure"),
        )


DATABASE = Outage("database")

# What a lost or refused connection raises through Django; a programming error in a
# query (ProgrammingError, IntegrityError...) is not an outage and is logged as usual.
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def outage_error(exc_info):
    """The database error behind a failed request, if an outage caused it."""
    error = exc_info[1] if exc_info else None
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OUTAGE_ERRORS):
            return error
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def is_health_check(record):
    from .health import healthz  # here, as the health check reports to this module

    match = getattr(getattr(record, "request", None), "resolver_match", None)
    return match is not None and match.func is healthz


class OneLinePerOutage(logging.Filter):
    """On django.request: what an outage makes every request log, it logs once.

    - A 500 caused by the database being unavailable is reported to DATABASE, which
      logs the outage when it starts (and ends), instead of a traceback per request.
    - The health check's 503 is its answer, not a fault: what it found unavailable is
      logged by the check itself.
    """

    def filter(self, record):
        if getattr(record, "status_code", 0) < 500:
            return True
        if record.status_code == 503 and not record.exc_info and is_health_check(record):
            return False
        error = outage_error(record.exc_info)
        if error is None:
            return True
        DATABASE.failed(error, noticed_by="a request")
        return False
