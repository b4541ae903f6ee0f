"""
Short links: /s/k7q2 for every public page, short enough to print or read out.

- A code is four characters (five once four grow crowded) from an alphabet with no
  easily confused ones: no 0, O, 1, l or I, and no vowel, so no word is spelt by
  chance. Read out in capitals or typed in either case, it finds the same link: codes
  are kept in lowercase and what is asked for is lowercased first.
- A link is made (`link_for_item`, `link_for_page`) the first time a public page's
  share panel is shown, and kept for ever (sharing/models.py). It finds its item by
  content type and id through the content protocol, so a renamed page keeps its short
  address; a withdrawn or deleted one answers 410 Gone with the friendly page.
- Which code a page has never changes, so it is kept in Django's cache once known: a
  page's share panel then costs no query.

Following a link (`follow`) is a 302 to the page's current address. Its QR code holds
the same address with /qr after it, so the admin can tell scans from clicks. Both are
counted by `CountFollows`, in front of the page cache (strategy_site/wsgi.py), so a
redirect can be kept by the page cache like any page and each follow still counts:
docs/notes/sharing.md says why and what it costs.
"""

import logging
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.text import Truncator

from publishing import content
from sharing import qr
from sharing.models import FollowCount, ShortLink, this_week

logger = logging.getLogger(__name__)

# Digits 2-9 and the consonants but l: 28 characters, 614,656 codes of four.
ALPHABET = "23456789bcdfghjkmnpqrstvwxyz"
CODE_LENGTH = 4
CODE = re.compile(rf"[{ALPHABET}]{{{CODE_LENGTH},8}}")
TRIES_PER_LENGTH = 8  # collisions before a code one character longer is tried

CACHE_PREFIX = "short-link:"  # + "item:<content type>:<id>" or "page:<name>" -> code

LINK, QR = "link", "qr"


def normalise(code):
    """The code as it is kept, or None when `code` cannot be one (any odd input)."""
    code = code.lower() if isinstance(code, str) else ""
    return code if CODE.fullmatch(code) else None


def new_code(length):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def make_link(**target):
    """The link of `target` (content_type and object_id, or page), made if need be.

    An INSERT that may lose a race: with the same target, another request made it
    first (the constraint refuses a second one); with the same code, another page has
    it, and a new code is drawn.
    """
    length = CODE_LENGTH
    while True:
        for _ in range(TRIES_PER_LENGTH):
            if (found := ShortLink.objects.filter(**target).first()) is not None:
                return found
            try:
                with transaction.atomic():
                    return ShortLink.objects.create(code=new_code(length), **target)
            except IntegrityError:
                continue
        length += 1


def cached_code(key, make):
    code = cache.get(key)
    if code is None:
        code = make().code
        cache.set(key, code, timeout=None)  # a page's code never changes
    return code


def item_code(item):
    """The short link code of a public item of a kind with `short_link`, else None."""
    kind = content.of(item)
    if kind is None or not kind.short_link or item.pk is None or not kind.is_public(item):
        return None
    content_type = ContentType.objects.get_for_model(item)  # cached by Django
    return cached_code(
        f"{CACHE_PREFIX}item:{content_type.pk}:{item.pk}",
        lambda: make_link(content_type=content_type, object_id=item.pk, page=""),
    )


def page_code(name):
    """The short link code of a page registered with `content.register_page`, or None."""
    if content.page(name) is None:
        return None
    return cached_code(f"{CACHE_PREFIX}page:{name}", lambda: make_link(page=name))


def find(code):
    """The link with this code (in any case), or None."""
    code = normalise(code)
    return ShortLink.objects.filter(code=code).first() if code else None


@dataclass(frozen=True)
class Target:
    """What a link leads to now: its address, and its item (None for a page)."""

    address: str
    item: object = None
    kind: content.Content | None = None


def target(link):
    """Where the link leads now, or None when its page is no longer public (withdrawn,
    deleted, or a kind or page that has gone from the site)."""
    if link.page:
        page = content.page(link.page)
        return Target(reverse(page.view_name)) if page is not None else None
    if link.content_type_id is None:
        return None
    model = ContentType.objects.get_for_id(link.content_type_id).model_class()
    kind = content.of(model) if model is not None else None
    if kind is None or not kind.short_link:
        return None
    item = kind.published().filter(pk=link.object_id).first()
    if item is None or not kind.is_public(item):
        return None
    return Target(kind.address(item), item, kind)


# What the share panel shows ----------------------------------------------------------


def site_host():
    """The site's host as people read it: no scheme, no "www." is added or taken."""
    return settings.SITE_URL.split("//", 1)[-1]


POST_LIMIT = 279  # under the 280 characters of a post on X, and short for any message


def post_text(title, line, url):
    """Ready to paste: the headline, one line about it, the short link; under 280
    characters whatever their length (the line is shortened first, then the title)."""
    title, line = " ".join(title.split()), " ".join(line.split())
    room = POST_LIMIT - len(url) - 2  # two line breaks
    title_room = room - min(len(line), room // 2)
    if len(title) > title_room:
        title = Truncator(title).chars(title_room)
    line = Truncator(line).chars(room - len(title)) if line else ""
    return "\n".join(part for part in (title, line, url) if part)


@dataclass(frozen=True)
class SharePack:
    """A page's short link, QR code, handout and text to paste, for templates."""

    code: str  # empty: the page is not public yet, and has no short link until it is
    title: str = ""
    line: str = ""
    handout: bool = False

    @property
    def path(self):
        return reverse("sharing:short-link", kwargs={"code": self.code})

    @property
    def url(self):
        return f"{settings.SITE_URL}{self.path}"

    @property
    def words(self):
        """The short address as it is printed and read out: no https://."""
        return f"{site_host()}{self.path}"

    @property
    def qr_url(self):
        """What the QR code holds: the short address with /qr (counted as a scan)."""
        return settings.SITE_URL + reverse("sharing:qr-follow", kwargs={"code": self.code})

    @property
    def qr_size(self):
        return qr.shown_size(self.qr_url)

    @property
    def qr_svg(self):
        return reverse("sharing:qr-svg", kwargs={"code": self.code})

    @property
    def qr_png(self):
        return reverse("sharing:qr-png", kwargs={"code": self.code})

    @property
    def post(self):
        return post_text(self.title, self.line, self.url)

    def handout_url(self, name):
        return reverse(f"sharing:{name}", kwargs={"code": self.code}) if self.handout else ""

    @property
    def handout_a4(self):
        return self.handout_url("handout")

    @property
    def handout_a5(self):
        return self.handout_url("handout-a5")

    @property
    def handout_pdf_a4(self):
        return self.handout_url("handout-pdf")

    @property
    def handout_pdf_a5(self):
        return self.handout_url("handout-pdf-a5")


def pack_for_item(item):
    """The share pack of an item of a kind with short links, or None. A draft (shown to
    staff) has an empty one: its short link is made once it is public."""
    kind = content.of(item)
    if kind is None or not kind.short_link:
        return None
    code = item_code(item) or ""
    return SharePack(code, kind.title(item), kind.share_line(item), handout=kind.handout)


def pack_for_page(name, title, line):
    code = page_code(name)
    return SharePack(code, title, line) if code is not None else None


# Counting follows, before the page cache -----------------------------------------------

FOLLOW = re.compile(r"/s/([^/]{1,16})(/qr)?/?", re.IGNORECASE)
# Link-preview fetchers and crawlers (WhatsApp, Facebook, Slack, search engines...):
# they fetch the link when it is posted, and are no one following it. Read, never kept.
NOT_A_PERSON = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|embedly|"
    r"headlesschrome|python-requests|curl|wget",
    re.IGNORECASE,
)


def counts(environ):
    """Whether this request is someone following a short link: a GET, not a prefetch,
    not staff signed in (checking their own links), not a robot fetching a preview."""
    if environ.get("REQUEST_METHOD") != "GET":
        return False
    purpose = environ.get("HTTP_SEC_PURPOSE", "") + environ.get("HTTP_PURPOSE", "")
    if "prefetch" in purpose.lower():
        return False
    if settings.SESSION_COOKIE_NAME in environ.get("HTTP_COOKIE", ""):
        return False
    return not NOT_A_PERSON.search(environ.get("HTTP_USER_AGENT", ""))


def count_follow(code, via):
    """Add one to this week's count of the link with this code, if there is one: one
    UPDATE, or in a link's first follow of the week an INSERT.

    On PostgreSQL the follower does not wait for the count to reach the disk
    (synchronous_commit off, for this transaction only): a crash of the database server
    could lose the counts of its last moment (three times wal_writer_delay, 0.6 s by
    default), never spoil them, and no other data is written here.
    """
    field = "qr_follows" if via == QR else "link_follows"
    week = this_week()
    add_one = {field: F(field) + 1}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if FollowCount.objects.filter(link__code=code, week=week).update(**add_one):
            return
        link_id = ShortLink.objects.filter(code=code).values_list("pk", flat=True).first()
        if link_id is None:
            return
        try:
            with transaction.atomic():
                FollowCount.objects.create(link_id=link_id, week=week, **{field: 1})
        except IntegrityError:  # made meanwhile by another request
            FollowCount.objects.filter(link_id=link_id, week=week).update(**add_one)


class CountFollows:
    """WSGI middleware, in front of the page cache: counts each follow of a short link,
    then hands the request on, so a redirect served from the page cache counts too."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if (
            path[:3] in ("/s/", "/S/")
            and (match := FOLLOW.fullmatch(path))
            and (code := normalise(match[1]))
            and counts(environ)
        ):
            tidy_connections()
            try:
                count_follow(code, QR if match[2] else LINK)
            except Exception as error:  # a count that fails never stops the visitor
                # One line each: in a database outage the page cache still answers
                # every follow, and each would log a whole traceback.
                logger.warning("Short links: could not count a follow (%r)", error)
            finally:
                tidy_connections()
        return self.application(environ, start_response)


def tidy_connections():
    """What Django does at the start and end of each request (close_old_connections):
    a broken connection, or one past CONN_MAX_AGE, is closed, and the next query opens
    a new one. A follow answered by the page cache is no Django request, so it is done
    here too. Never inside a transaction: only a test runs requests inside one."""
    for each in connections.all(initialized_only=True):
        if not each.in_atomic_block:
            each.close_if_unusable_or_obsolete()
