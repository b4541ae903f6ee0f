"""
Sharing in the admin.

- "How the link looks when shared", on the change form of a kind of content with a card
  (press releases and decisions use it). Editors write headlines and standfirsts;
  councillors share the pages in WhatsApp and on Facebook. This shows, before
  publishing, the preview those sites will draw from the page's Open Graph tags: the
  picture (the photo, or the card drawn from the title), the title, the description
  and the address. Beside it, the page's short link and how often it was followed.
- "Short links": every page's short link, what it leads to, and how many times it was
  followed from the link and from its QR code, in all and week by week. Counts only:
  nothing about who followed it is kept (sharing/models.py).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from publishing import content
from sharing import cards as social_cards
from sharing import shortlinks
from sharing.models import ShortLink, this_week

SHARE_PREVIEW_FIELDSET = (
    "How the link looks when shared",
    {
        "fields": ["share_preview", "short_link_follows"],
        "description": "What people see when this page's link is posted in WhatsApp, "
        "Facebook, X, LinkedIn or an email. It follows the headline and the first "
        "lines you write: save to update it.",
    },
)


def share_picture(item):
    """(address on this site, description, is it the photo): what the preview shows."""
    photo = content.of(item).image(item)
    if photo is not None:
        fallback = (photo.renditions or {}).get("fallback")
        src = default_storage.url(fallback[-1]["name"]) if fallback else photo.file.url
        return src, photo.alt or content.of(item).title(item), True
    card = social_cards.item_card(item)
    return card.path, card.alt, False


class SharePreviewAdmin:
    """A read-only `share_preview` field; add SHARE_PREVIEW_FIELDSET to the fieldsets."""

    class Media:
        css = {"all": ["admin/share-preview.css"]}

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "share_preview", "short_link_follows"]

    @admin.display(description="Short link")
    def short_link_follows(self, obj):
        link = None
        if obj is not None and obj.pk is not None:
            link = ShortLink.objects.filter(
                content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, page=""
            ).first()
        if link is None:
            return "It gets a short link, a QR code and a handout once it is published."
        return follow_counts(link)

    @admin.display(description="Link preview")
    def share_preview(self, obj):
        if obj is None or obj.pk is None or not obj.slug:
            return "Save it to see how its link will look when it is shared."
        kind = content.of(obj)
        src, alt, is_photo = share_picture(obj)
        url = f"{settings.SITE_URL}{kind.address(obj)}"
        return render_to_string(
            "admin/share_preview.html",
            {
                "src": src,
                "alt": alt,
                "is_photo": is_photo,
                # As the page's <title> and description block say them.
                "title": kind.share_title(obj),
                "description": kind.summary(obj),
                "url": url,
                "site": url.split("//", 1)[-1].split("/", 1)[0],
                "is_published": obj.is_published,
            },
        )


def follow_counts(link):
    """The link's address and its follows, week by week, as a table."""
    weeks = list(link.follow_counts.all()[:52])
    return render_to_string(
        "admin/sharing/follow_counts.html",
        {
            "link": link,
            "short_url": shortlinks.SharePack(link.code).url,
            "weeks": weeks,
            "link_total": sum(week.link_follows for week in weeks),
            "qr_total": sum(week.qr_follows for week in weeks),
        },
    )


def leads_to(link):
    """(what the link leads to, its public address or "")."""
    if link.page:
        page = content.page(link.page)
        if page is None:
            return f"A page no longer on the site ({link.page})", ""
        return page.text(None).title, reverse(page.view_name)
    item = link.item
    kind = content.of(item) if item is not None else None
    if kind is None:
        return "Something deleted since", ""
    found = shortlinks.target(link)
    return f"{kind.label}: {kind.title(item)}", found.address if found else ""


@admin.register(ShortLink)
class ShortLinkAdmin(admin.ModelAdmin):
    """Read only: links are made by the site, once, and never changed or deleted."""

    list_display = ["short_address", "page_shown", "link_total", "qr_total", "this_week"]
    search_fields = ["code", "page"]
    list_filter = [("content_type", admin.RelatedOnlyFieldListFilter)]
    fields = ["short_address", "page_shown", "follows", "created_at"]
    readonly_fields = fields
    list_per_page = 50

    def get_queryset(self, request):
        this = Q(follow_counts__week=this_week())
        return (
            super()
            .get_queryset(request)
            .prefetch_related("item")
            .annotate(
                link_total=Coalesce(Sum("follow_counts__link_follows"), 0),
                qr_total=Coalesce(Sum("follow_counts__qr_follows"), 0),
                this_week_links=Coalesce(Sum("follow_counts__link_follows", filter=this), 0),
                this_week_qr=Coalesce(Sum("follow_counts__qr_follows", filter=this), 0),
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Short link", ordering="code")
    def short_address(self, link):
        return shortlinks.SharePack(link.code).words

    @admin.display(description="Leads to")
    def page_shown(self, link):
        title, address = leads_to(link)
        if not address:
            return format_html("{} <strong>(no longer public: it answers “gone”)</strong>", title)
        return format_html('<a href="{}">{}</a>', address, title)

    @admin.display(description="Followed from the link", ordering="link_total")
    def link_total(self, link):
        return link.link_total

    @admin.display(description="Followed from the QR code", ordering="qr_total")
    def qr_total(self, link):
        return link.qr_total

    @admin.display(description="This week (link + QR code)")
    def this_week(self, link):
        return f"{link.this_week_links} + {link.this_week_qr}"

    @admin.display(description="Follows, week by week")
    def follows(self, link):
        return follow_counts(link)
