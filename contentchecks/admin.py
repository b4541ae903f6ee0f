"""
The checks in the admin: a "Content checks" panel on the change form, the findings of
each Markdown text beside its live preview, a question before publishing with open
findings, and the words-to-avoid list.

A content app adds `ContentChecksAdmin` to its admin (as it adds SharePreviewAdmin):
this app knows no content type.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.urls import reverse

from contentchecks import registry
from contentchecks.items import check_item, is_checked, picture_sections
from contentchecks.models import AvoidWord
from publishing.models import Publishable, Status

PUBLISH_ANYWAY = "publish_anyway"


def findings_count(count):
    return f"{count} open content check{'s' if count != 1 else ''}"


class ContentChecksForm(forms.ModelForm):
    """Asks once before publishing with open findings: the first save is refused with
    a message and a "Publish anyway" tick box; ticked, the next save publishes.

    Asked when a save makes the item public, and when a save to a live item brings
    more findings of a kind than it had; about what the form holds (contentchecks.items).
    Composed onto the admin's form (ContentChecksAdmin.get_form).
    """

    publish_anyway = forms.BooleanField(
        label="Publish anyway",
        required=False,
        widget=forms.HiddenInput,
        help_text="The content checks are advice. Tick this to publish it as it is; "
        "the history will say how many checks were open.",
    )

    checks_user = None  # who is saving, set per request

    def clean(self):
        cleaned_data = super().clean()
        self.published_with_open_checks = 0
        if not self.publishes(cleaned_data):
            return cleaned_data
        proposed = check_item(self.instance, user=self.checks_user, values=cleaned_data)
        count = len(proposed.open_advice())
        if not count:
            return cleaned_data
        if self.instance.pk is not None and self.instance.status == Status.PUBLISHED:
            # As stored: the form may have changed the words of the instance's picture.
            stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
            if stored is not None and not proposed.more_advice_than(check_item(stored)):
                return cleaned_data  # nothing more to say than when it was published
        self.fields[PUBLISH_ANYWAY].widget = forms.CheckboxInput()
        if not cleaned_data.get(PUBLISH_ANYWAY):
            raise forms.ValidationError(
                f"This has {findings_count(count)}, listed under “Content "
                "checks” below. They are advice: fix what you can, or tick “Publish "
                "anyway” there and save again to publish it as it is.",
                code="open_content_checks",
            )
        self.published_with_open_checks = count
        return cleaned_data

    def publishes(self, cleaned_data):
        return (
            isinstance(self.instance, Publishable)
            and cleaned_data.get("status") == Status.PUBLISHED
        )


class ContentChecksAdmin:
    """The content checks on an admin's change form. Put it first among the bases."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin/js/content-checks.js"], css={"all": ["admin/content-checks.css"]}
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (ContentChecksForm, form), {"checks_user": request.user})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in registry.text_fields(self.model):
            # Its script checks a plain text as it is typed (a Markdown field's preview
            # is its cue).
            formfield.widget.attrs["data-content-checks"] = ""
        return formfield

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if is_checked(self.model):
            report = None
            if obj is not None or form.is_bound:
                report = check_item(form.instance, user=request.user)
            context["content_checks"] = {
                "report": report,
                "url": reverse("content-checks"),
                "publish_anyway": form[PUBLISH_ANYWAY] if PUBLISH_ANYWAY in form.fields else None,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request.published_with_open_checks = getattr(form, "published_with_open_checks", 0)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Not refused before publishing (a draft may wait for consent), but never unsaid.
        for section in picture_sections(form.instance, {}):
            for finding in section.findings:
                if finding.kind == "consent":
                    messages.warning(request, finding.message)

    def log_addition(self, request, obj, message):
        return self.note_open_checks(request, super().log_addition(request, obj, message))

    def log_change(self, request, obj, message):
        return self.note_open_checks(request, super().log_change(request, obj, message))

    def note_open_checks(self, request, entry):
        count = getattr(request, "published_with_open_checks", 0)
        if count and reversion.is_active():
            said = entry.get_change_message().rstrip(".")
            prefix = f"{said}. " if said else ""
            reversion.set_comment(f"{prefix}Published with {findings_count(count)}.")
        return entry


@admin.register(AvoidWord)
class AvoidWordAdmin(admin.ModelAdmin):
    list_display = ["phrase", "advice", "updated_at"]
    search_fields = ["phrase", "other_forms", "advice"]
    fields = ["phrase", "other_forms", "advice"]
