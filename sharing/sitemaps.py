"""
What search engines read: /sitemap.xml and /robots.txt.

The sitemap's sections are the home page and the section pages registered by the
content apps (`content.register_sections`), then each content app's own sections
(its sitemaps.py, registered with `content.register_sitemaps`), in app order. Only
what the public can see is listed: published items (never drafts, items in review or
items scheduled for later). Each entry's last-modified date is its `updated_at`.
"""

from datetime import datetime
from html import escape  # as Django's escape(), without its lazy-string wrapper
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import CharField, F, Value, Window
from django.db.models.functions import Cast, RowNumber, TruncDate
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from publishing import content


def site_root(request):
    """The site's address, without a trailing slash.

    `SITE_URL` when it is set, so feeds, the sitemap and robots.txt give the same
    canonical addresses as the pages' link previews; otherwise this request's
    scheme and host (which Django has checked against ALLOWED_HOSTS).
    """
    configured = getattr(settings, "SITE_URL", "") or ""
    if configured:
        return configured.rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")


def absolute_url(request, path):
    return site_root(request) + path


class SiteUrlSitemap(Sitemap):
    """Addresses on SITE_URL's scheme and host when it is set, else the request's.

    A section whose items() is a queryset of items at `slug_url_name` (a URL name
    taking their `slug`), last changed at their `updated_at`, says so with
    `slug_url_name`: the sitemap then lists every such section from one query.
    """

    slug_url_name = None

    def get_protocol(self, protocol=None):
        configured = getattr(settings, "SITE_URL", "")
        return urlsplit(configured).scheme if configured else super().get_protocol(protocol)

    def get_domain(self, site=None):
        configured = getattr(settings, "SITE_URL", "")
        return urlsplit(configured).netloc if configured else super().get_domain(site)


class SectionSitemap(SiteUrlSitemap):
    """The home page and the section pages."""

    def items(self):
        return ["home", *content.sections()]

    def location(self, item):
        return reverse(item)


def site_sitemaps():
    """Every section of /sitemap.xml, in order (for the root URL conf)."""
    return {"sections": SectionSitemap, **content.sitemaps()}


def sitemap_root(request):
    """Scheme and host of the sitemap's addresses (as SiteUrlSitemap gives them)."""
    configured = getattr(settings, "SITE_URL", "")
    if configured:
        parts = urlsplit(configured)
        return f"{parts.scheme}://{parts.netloc}"
    return f"{request.scheme}://{request.get_host()}"


def slug_path(url_name):
    """A function slug -> the path `url_name` gives that slug, reversing once: Django's
    reverse() for each of thousands of items was most of the sitemap's time."""
    before, _, after = reverse(url_name, kwargs={"slug": "0"}).rpartition("0")
    return lambda slug: before + quote(slug, safe="!$&'()*+,;=/~:@") + after


def slug_entries(sections):
    """(path, lastmod) of every item of the slug sections, in section order, newest
    change first within a section: one query for them all (a UNION). The database
    gives each item's place in its section and its day of change (in the site's time
    zone, as text), so no time is turned into a Python object thousands of times."""
    if not sections:
        return []
    zone = timezone.get_current_timezone()
    newest_first = Window(RowNumber(), order_by=[F("updated_at").desc(), F("slug").asc()])
    parts = [
        section.items()
        .order_by()
        .annotate(
            section_position=Value(position),
            place=newest_first,
            updated_on=Cast(TruncDate("updated_at", tzinfo=zone), CharField()),
        )
        .values_list("section_position", "place", "slug", "updated_on")
        for position, section in enumerate(sections)
    ]
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    paths = [slug_path(section.slug_url_name) for section in sections]
    rows = query.order_by("section_position", "place")
    return [(paths[position](slug), day) for position, _, slug, day in rows]


def section_entries(section):
    """(path, lastmod) of a section's items, the way Django's sitemap finds them."""
    lastmod = getattr(section, "lastmod", None)
    return [
        (section.location(item), lastmod(item) if callable(lastmod) else lastmod)
        for item in section.items()
    ]


def lastmod_text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d")
    return value.isoformat()


@require_safe
def sitemap_xml(request, sitemaps):
    """/sitemap.xml: the same XML as Django's sitemap view, written directly.

    Django's view renders a template and reverses a URL for every item, a cost that
    grows with every press release and decision. Here every slug section (news,
    decisions, progress) is one query and the XML is joined as text. Under Django's
    limit of 50,000 addresses there is one sitemap, so no index or pages.
    """
    sections = [
        section() if isinstance(section, type) else section for section in sitemaps.values()
    ]
    slugged = [section for section in sections if section.slug_url_name]
    entries = []
    for section in sections:
        if not section.slug_url_name:
            entries += section_entries(section)
        elif section is slugged[0]:  # all the slug sections at once, in their place
            entries += slug_entries(slugged)
    root = sitemap_root(request)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    ]
    for path, lastmod in entries:
        modified = f"<lastmod>{lastmod_text(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(root + path)}</loc>{modified}</url>")
    lines.append("\n</urlset>\n")
    response = HttpResponse("".join(lines), content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def top_folder(path):
    """ "/preview/abc/" -> "/preview/": a Disallow line covers everything below it."""
    return "/" + path.strip("/").split("/")[0] + "/"


@require_safe
@cache_control(max_age=60 * 60)
def robots_txt(request):
    """Crawlers may read every public page, but not the admin, private preview
    links or the editors' Markdown endpoints; the sitemap lists the pages."""
    private = [
        reverse("admin:index"),
        reverse("preview", kwargs={"token": "token"}),
        reverse("markdownx_markdownify"),
    ]
    lines = ["User-agent: *", *(f"Disallow: {top_folder(path)}" for path in private)]
    lines += ["", f"Sitemap: {absolute_url(request, reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
