"""What makes the site usable by every family: how to ask for another format and the
accessibility statement the regulations require. (Where to find help now is the
helpcontacts app's.)"""

from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

SINGLETON_PK = 1


class Singleton(models.Model):
    """One row, edited in the admin. Public pages read it without writing: until an
    editor saves it, they get an unsaved, empty one."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.pk = SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        return cls.objects.filter(pk=SINGLETON_PK).first() or cls(pk=SINGLETON_PK)


class SiteSettings(Singleton):
    """How families ask for the site's information in another format."""

    formats_email = models.EmailField(
        "email address",
        blank=True,
        help_text="Where families write to ask for Easy Read, large print, audio or BSL. "
        "Leave the email, phone and address empty to give the council's main help "
        "contact instead (Help contacts, “the council's own main contact”).",
    )
    formats_phone = models.CharField(
        "phone number",
        max_length=40,
        blank=True,
        help_text="A phone number families can call to ask for another format. Optional.",
    )
    formats_postal_address = models.TextField(
        "postal address",
        blank=True,
        help_text="One line per line of the address. Optional.",
    )
    relay_note = models.TextField(
        "text relay and BSL video relay",
        blank=True,
        help_text="How deaf people or people who are hard of hearing or speech impaired "
        "can get in touch, e.g. by Relay UK or a BSL video relay service. Optional.",
    )
    response_time = models.CharField(
        max_length=200,
        blank=True,
        help_text="How soon families can expect an answer, e.g. “within 10 working days”. "
        "Leave empty unless the council has committed to one.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "contact for other formats"
        verbose_name_plural = "contact for other formats"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=SINGLETON_PK), name="one_site_settings")
        ]

    def __str__(self):
        return "Contact for other formats"

    def get_absolute_url(self):
        return reverse("accessibility:formats")

    @property
    def has_contact(self):
        """Whether a family has a way to reach someone: an email, a phone or an address."""
        return bool(self.formats_email or self.formats_phone or self.formats_postal_address)


class AccessibilityStatement(Singleton):
    """The statement the Public Sector Bodies Accessibility Regulations 2018 require,
    in the structure of the GOV.UK sample statement."""

    class Compliance(models.TextChoices):
        FULLY = "fully", "Fully compliant"
        PARTIALLY = "partially", "Partially compliant"
        NOT = "not", "Not compliant"

    compliance_status = models.CharField(
        max_length=20,
        choices=Compliance.choices,
        default=Compliance.PARTIALLY,
        help_text="How far the site meets WCAG 2.2 AA. Only choose “Fully compliant” after a "
        "full audit has found no problems.",
    )
    compliance_text = MarkdownxField(
        "about the compliance status",
        blank=True,
        help_text="A few sentences after the standard sentence about the status.",
    )
    non_accessible_content = MarkdownxField(
        "known issues (non-accessible content)",
        blank=True,
        help_text="What is not accessible yet, and what we are doing about it. Use ### for "
        "sub-headings, e.g. “### Non-compliance with the accessibility regulations”.",
    )
    reporting_problems = MarkdownxField(
        "reporting accessibility problems",
        blank=True,
        help_text="How to tell us about a problem. The contact for other formats is shown "
        "after this text when it is set, otherwise the council's main help contact.",
    )
    enforcement_procedure = MarkdownxField(
        blank=True,
        help_text="The standard wording about the Equality and Human Rights Commission and "
        "the Equality Advisory and Support Service.",
    )
    preparation = MarkdownxField(
        "preparation of this statement",
        blank=True,
        help_text="How the site was tested, by whom, and when the next review is due.",
    )
    last_reviewed_on = models.DateField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="The day the statement was last reviewed. Leave empty until it has been; "
        "the page then says it has not yet been reviewed.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "accessibility statement"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=SINGLETON_PK), name="one_accessibility_statement"
            )
        ]

    def __str__(self):
        return "Accessibility statement"

    def get_absolute_url(self):
        return reverse("accessibility:statement")
