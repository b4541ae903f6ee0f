"""Who families can turn to for help, and how to reach them: the "Get help" page, each
priority's "Need help now?" box, and the council's own contact on the pages that ask
families to get in touch (another format, the accessibility statement, feedback).

A contact is live as soon as it is saved, and may be saved half-filled (editors often
know an organisation's name before its phone number). It is only ever shown as help
once it has a way to reach it: `reachable()` is the one way public pages ask, and the
admin home lists the shown contacts that have none yet."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse

from priorities.models import Priority

# A phone number as families read it: digits and spaces, + first for an international
# number. 3 digits (a short national number) to 15 (the longest international number).
PHONE_CHARACTERS = re.compile(r"\+?[0-9][0-9 ]*")
PHONE_DIGITS = range(3, 16)


def validate_phone(value):
    digits = sum(char.isdigit() for char in value)
    if not PHONE_CHARACTERS.fullmatch(value) or digits not in PHONE_DIGITS:
        raise ValidationError(
            "Type the number with digits and spaces only, and a + at the start for an "
            "international number.",
            code="invalid_phone",
        )


class HelpContactQuerySet(models.QuerySet):
    def active(self):
        """Those an editor has left shown on the site."""
        return self.filter(active=True)

    def reachable(self):
        """What the public is shown as help: shown, with a phone, an email or a website."""
        return self.active().exclude(phone="", email="", website="")

    def unreachable(self):
        """Shown on the site but with no way to reach them yet: never shown as help."""
        return self.active().filter(phone="", email="", website="")

    def for_priority(self, priority):
        """Shown contacts for this priority's page: those linked to it, and those linked
        to no priority at all (help on every priority)."""
        return (
            self.active()
            .filter(models.Q(priorities__isnull=True) | models.Q(priorities=priority))
            .distinct()
        )

    def council(self):
        """The council's own main contact, when it is shown and can be reached."""
        return self.reachable().filter(is_council=True).first()


class HelpContact(models.Model):
    """An organisation families can turn to, what it helps with and how to reach it."""

    organisation = models.CharField(
        max_length=120,
        help_text="Its name as families know it, e.g. “Wiltshire Parent Carer Council”.",
    )
    helps_with = models.TextField(
        "what it helps with",
        max_length=400,
        help_text="One or two plain sentences: who they are and what they can help families with.",
    )
    phone = models.CharField(
        "phone number",
        max_length=30,
        blank=True,
        validators=[validate_phone],
        help_text="Digits and spaces, as families should read it; + at the start for an "
        "international number. Leave empty rather than guess.",
    )
    opening_hours = models.CharField(
        max_length=200,
        blank=True,
        help_text="When the phone is answered or the service is open, e.g. “Monday to "
        "Friday, 9am to 5pm”. Leave empty if it does not apply.",
    )
    email = models.EmailField(
        "email address", blank=True, help_text="Leave empty rather than guess."
    )
    website = models.URLField(
        "web address",
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Their website (or the page of it for families), once you have checked "
        "it. Leave empty rather than guess.",
    )
    priorities = models.ManyToManyField(
        Priority,
        blank=True,
        related_name="help_contacts",
        help_text="Show it in the “Need help now?” box of these priorities only. Tick none "
        "to show it on every priority page.",
    )
    is_council = models.BooleanField(
        "the council's own main contact",
        default=False,
        help_text="Tick for the council's main contact only. The “Ask for another format” "
        "page, the accessibility statement and the page after sending feedback give its "
        "phone, email and website. Only one contact can have this ticked.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers are shown first.")
    active = models.BooleanField(
        "shown on the site",
        default=True,
        help_text="Untick to hide it without deleting it. A contact with no phone, email "
        "or website is never shown as help, whatever this says: the admin home lists "
        "those.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HelpContactQuerySet.as_manager()

    class Meta:
        ordering = ["order", "organisation"]
        verbose_name = "help contact"
        constraints = [
            models.UniqueConstraint(
                fields=["is_council"],
                condition=models.Q(is_council=True),
                name="one_council_contact",
                violation_error_message="Another contact is already the council's own main "
                "contact. Untick it there first.",
            )
        ]

    def __str__(self):
        return self.organisation

    def get_absolute_url(self):
        return reverse("helpcontacts:index") + f"#{self.anchor}"

    @property
    def anchor(self):
        return f"contact-{self.pk}"

    @property
    def is_reachable(self):
        """The same rule as `HelpContactQuerySet.reachable()`, for a contact in hand."""
        return self.active and bool(self.phone or self.email or self.website)

    @property
    def tel_href(self):
        return "tel:" + self.phone.replace(" ", "")

    @property
    def website_label(self):
        """The address as people read it: without https:// or a trailing slash."""
        return re.sub(r"^https?://", "", self.website).rstrip("/")
