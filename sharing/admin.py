"""
"How the link looks when shared", on the change form of a kind of content with a card
(press releases and decisions use it).

Editors write headlines and standfirsts; councillors share the pages in WhatsApp and
on Facebook. This shows, before publishing, the preview those sites will draw from
the page's Open Graph tags: the picture (the photo, or the card drawn from the
title), the title, the description and the address.
"""

from django.conf import settings
from django.contrib import admin
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from publishing import content
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
        return [*super().get_readonly_fields(request, obj), "share_preview"]

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
