"""
"How the link looks when shared", on the change form of press releases and decisions.

Editors write headlines and standfirsts; councillors share the pages in WhatsApp and
on Facebook. This shows, before publishing, the preview those sites will draw from
the page's Open Graph tags: the picture (the photo, or the card drawn from the
title), the title, the description and the address.
"""

from django.conf import settings
from django.contrib import admin
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.dateformat import format as date_format
from django.utils.text import Truncator

from news.models import CabinetDecision, PressRelease
from sharing import cards as social_cards

SHARE_PREVIEW_FIELDSET = (
    "How the link looks when shared",
    {
        "fields": ["share_preview"],
        "description": "What people see when this page's link is posted in WhatsApp, "
        "Facebook, X, LinkedIn or an email. It follows the headline and the first "
        "lines you write: save to update it.",
    },
)


def share_title(item):
    """As the page's <title> says it, before the site's name (the templates' title block)."""
    if isinstance(item, CabinetDecision):
        when = date_format(item.meeting_date, "j F Y")
        return f"{item.title}: {item.meeting_body} decision, {when}"
    return item.title


def share_description(item):
    """As the page's description block says it (templates/news/*_detail.html)."""
    if isinstance(item, PressRelease):
        return " ".join(Truncator(item.standfirst).words(40).split())
    status = f" {item.get_decision_status_display()}." if item.decision_status else ""
    return f"{item.meeting}: {item.title}.{status}"


def share_picture(item):
    """(address on this site, description, is it the photo): what the preview shows."""
    if isinstance(item, PressRelease) and item.image:
        fallback = (item.image.renditions or {}).get("fallback")
        src = default_storage.url(fallback[-1]["name"]) if fallback else item.image.file.url
        return src, item.image.alt or item.title, True
    card = social_cards.item_card(item)
    return card.path, card.alt, False


class SharePreviewAdmin:
    """A read-only `share_preview` field; add SHARE_PREVIEW_FIELDSET to the fieldsets."""

    class Media:
        css = {"all": ["admin/share-preview.css"]}

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "share_preview"]

    @admin.display(description="Link preview")
    def share_preview(self, obj):
        if obj is None or obj.pk is None or not obj.slug:
            return "Save it to see how its link will look when it is shared."
        src, alt, is_photo = share_picture(obj)
        url = f"{settings.SITE_URL}{obj.get_absolute_url()}"
        return render_to_string(
            "admin/share_preview.html",
            {
                "src": src,
                "alt": alt,
                "is_photo": is_photo,
                "title": share_title(obj),
                "description": share_description(obj),
                "url": url,
                "site": url.split("//", 1)[-1].split("/", 1)[0],
                "is_published": obj.is_published,
            },
        )
