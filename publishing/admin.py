from datetime import timedelta

import reversion
from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, flatten_fieldsets, quote, unquote
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from markdownx.admin import MarkdownxModelAdmin
from reversion.models import Version

from publishing import content, prepared, reviews
from publishing.history import (
    HistoryAdmin,
    LoadedVersionField,
    VersionDiffer,
    day_and_time,
    next_save_began,
    person,
    versions_of,
    when,
)
from publishing.models import ChangeNote, PreparedChange, PreviewLink, Review, Status

_object_tools = []  # callables(request, item) -> (label, url) or None


def add_object_tool(tool):
    """Offer a link at the top of every saved content item's change form, from an app
    this one may not import (email alerts' "Email me a preview"): `tool(request, item)`
    returns the link's (label, url), or None where it does not apply or the person may
    not use it. Usable as a decorator; registering twice adds it once."""
    if tool not in _object_tools:
        _object_tools.append(tool)
    return tool


class ContentAdmin(HistoryAdmin, MarkdownxModelAdmin):
    """Admin defaults for every content type: Markdown fields get the live-preview
    editor, and a handful of priorities show as tick boxes rather than a
    multi-select that needs Ctrl-click. Other apps' links (`add_object_tool`) are
    offered on the change form."""

    formfield_overrides = {
        **MarkdownxModelAdmin.formfield_overrides,
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
        # A web address typed without http(s):// means https (Django 6's default).
        models.URLField: {"assume_scheme": "https"},
    }
    save_on_top = True
    # Links (foreign keys) that start chosen on a new item's form when there is only one
    # thing to choose, such as the strategy while the council has one.
    choose_the_only_one = ()

    class Media:
        js = ["admin/js/markdownx-upload-errors.js"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        links = (tool(request, obj) for tool in _object_tools) if obj and obj.pk else ()
        context["other_object_tools"] = [link for link in links if link]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in self.choose_the_only_one:
            only = list(field.queryset[:2])
            if len(only) == 1:
                field.initial = only[0].pk
        return field

    def get_deleted_objects(self, objs, request):
        """Django's list of what a delete takes with it, in plain words: a row that links
        two items (a press release and a priority) is named as that link, not as
        “PressRelease_priorities object (8)”. Permissions and protected rows are
        worked out exactly as Django does."""
        try:
            first = objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()
        site = self.admin_site
        # Rows that are part of the item (its public change notes) go with it, as its
        # inline rows do: the right to delete the item is enough.
        parts = {
            f.related_model
            for f in self.model._meta.private_fields
            if isinstance(f, GenericRelation)
        }

        def name(obj):
            opts = obj._meta
            if opts.auto_created:  # the row behind a ManyToManyField
                return link_in_plain_words(obj, objs)
            label = capfirst(opts.verbose_name)
            if not site.is_registered(type(obj)):
                return f"{label}: {obj}"  # edited inline with its item
            model_admin = site.get_model_admin(type(obj))
            if type(obj) not in parts and not model_admin.has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(
                    f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
                )
            except NoReverseMatch:
                return f"{label}: {obj}"
            return format_html('{}: <a href="{}">{}</a>', label, url, obj)

        to_delete = collector.nested(name)
        protected = [name(obj) for obj in collector.protected]
        model_count = {
            plural_in_plain_words(model): len(rows) for model, rows in collector.model_objs.items()
        }
        return to_delete, model_count, perms_needed, protected


def linked_models(through):
    """(the model with the ManyToManyField, the model it links to) of a link row's model."""
    source = through._meta.auto_created
    m2m = next(f for f in source._meta.many_to_many if f.remote_field.through is through)
    return source, m2m, m2m.related_model


def link_in_plain_words(row, deleting):
    """“The link between this press release and “Priority 2: …” (the priority itself
    stays)”: said from the side of the item being deleted."""
    source, m2m, target = linked_models(type(row))
    one = getattr(row, m2m.m2m_field_name())
    other = getattr(row, m2m.m2m_reverse_field_name())
    if source is target or not any(
        obj.pk == other.pk and isinstance(obj, target) for obj in deleting
    ):
        this, that = one, other
    else:
        this, that = other, one
    return (
        f"The link between this {this._meta.verbose_name} and “{that}” "
        f"(the {that._meta.verbose_name} itself stays)"
    )


def plural_in_plain_words(model):
    if model._meta.auto_created:
        source, _, target = linked_models(model)
        both = (source._meta.verbose_name_plural, target._meta.verbose_name_plural)
        return "links between {} and {}".format(*both)
    return model._meta.verbose_name_plural


PUBLISHING_FIELDSET = (
    "Publishing",
    {
        "fields": ["status", "published_at"],
        "description": "Drafts and items in review are never shown to the public. "
        "Publishers sign items off: a publication date in the future (UK time) keeps a "
        "published item hidden until that moment.",
    },
)
CHANGE_NOTE_FIELDSET = (
    "Public change note",
    {
        "fields": ["change_note"],
        "description": "For a significant update to a published page, say what changed. "
        "It is shown on the page with today's date. Leave empty for minor fixes.",
    },
)
PREPARED_FIELDSET = (
    "Your changes to this live page",
    {
        "fields": ["ask_to_publish"],
        "description": "This page is live. What you save here is kept as prepared changes: "
        "the public keeps seeing the live page until a publisher publishes them.",
    },
)
PUBLISH_OVER_FIELDSET = (
    "The live page has changed since",
    {"fields": ["publish_over_live_changes"]},
)
ONLY_PUBLISHERS_PUBLISH = (
    "Only a publisher can publish. Choose “In review” to ask a publisher to sign it off."
)


class PublishableForm(forms.ModelForm):
    """Enforces the roles on the submitted data, whatever the browser sent."""

    # Set per request by PublishableAdmin.get_form:
    can_publish = False
    prepared_state = None  # "live version|prepared revision" as the page was built
    explain_prepared_conflict = None  # callable(token) -> messages
    live_changed_since = ()  # what changed on the live item since its changes were prepared

    change_note = forms.CharField(
        label="Change note",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )
    ask_to_publish = forms.BooleanField(
        label="Ask a publisher to publish these changes",
        required=False,
        help_text="The publishers get an email, and see your changes on their admin home "
        "page. Leave it unticked to keep working on them first.",
    )
    publish_over_live_changes = forms.BooleanField(
        label="I have checked: publish these prepared changes anyway",
        required=False,
        help_text="The live page was changed after these changes were prepared (see above). "
        "Publishing the prepared version undoes those changes, unless you make them again "
        "in the form below first.",
    )
    prepared_from = LoadedVersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields.get("status")
        if status is not None and not self.can_publish:
            status.choices = [c for c in status.choices if c[0] != Status.PUBLISHED]
            status.error_messages["invalid_choice"] = ONLY_PUBLISHERS_PUBLISH

        if self.prepared_state is not None:
            self.fields["prepared_from"].initial = self.prepared_state

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == Status.PUBLISHED and not self.can_publish:
            raise forms.ValidationError(ONLY_PUBLISHERS_PUBLISH)
        return status

    def clean(self):
        cleaned_data = super().clean()
        if self.prepared_state is not None:
            # Sent without it (an old tab, a script): not checked, as with conflicts.
            token = cleaned_data.get("prepared_from") or self.prepared_state
            if token != self.prepared_state:
                raise ValidationError(self.explain_prepared_conflict(token))
        if self.live_changed_since and not cleaned_data.get("publish_over_live_changes"):
            self.add_error(
                "publish_over_live_changes",
                "The live page has changed since these changes were prepared. Check what "
                "changed, make those changes again below if they should stay, then tick "
                "this box to publish.",
            )
        return cleaned_data


class PublishableAdmin(ContentAdmin):
    """Draft → In review → Published, with two roles.

    Editors write drafts and submit them for review; they see live and
    scheduled items read-only. Publishers also publish, unpublish, schedule,
    add public change notes and make preview links for sign-off.
    """

    form = PublishableForm
    change_form_template = "admin/publishing/change_form.html"
    # False for an item with no page of its own to preview (a progress update).
    offers_preview_links = True

    def can_publish(self, request):
        return request.user.has_perm(self.model.publish_permission())

    def is_live_or_scheduled(self, obj):
        # Signed off by a publisher, whether public yet or not.
        return obj is not None and obj.status == Status.PUBLISHED

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and self.is_live_or_scheduled(obj) and not self.can_publish(request):
            # The editor sees it read-only, except on the form where they prepare
            # changes to it (prepare_changes_view), whose save never reaches the public.
            return getattr(request, "preparing_changes", False)
        return allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if allowed and self.is_live_or_scheduled(obj) and not self.can_publish(request):
            return False
        return allowed

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.can_publish(request):
            fields.append("published_at")  # scheduling is a publisher's decision
        if getattr(request, "preparing_changes", False):
            fields.append("status")  # it stays live until a publisher publishes the changes
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.first_published_at and self.can_publish(request):
            fieldsets.append(CHANGE_NOTE_FIELDSET)
        if getattr(request, "preparing_changes", False):
            fieldsets.append(PREPARED_FIELDSET)
        if getattr(request, "live_changed_since", None):
            fieldsets.append(PUBLISH_OVER_FIELDSET)
        if fieldsets and getattr(request, "prepared_state", None) is not None:
            name, options = fieldsets[0]
            if "prepared_from" not in flatten_fieldsets(fieldsets):
                fieldsets[0] = (name, {**options, "fields": [*options["fields"], "prepared_from"]})
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(
            form.__name__,
            (form,),
            {
                "can_publish": self.can_publish(request),
                "prepared_state": getattr(request, "prepared_state", None),
                "explain_prepared_conflict": staticmethod(
                    lambda token: self.prepared_conflict(obj, token)
                ),
                "live_changed_since": getattr(request, "live_changed_since", ()),
            },
        )

    def checks_conflicts(self, request, obj):
        # Preparing changes to a live item, and publishing them, carry their own check
        # (PublishableForm.prepared_from): the form shows a version that is not stored.
        if getattr(request, "prepared_state", None) is not None:
            return False
        return super().checks_conflicts(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_manage_preview_links"] = self.may_manage_preview_links(request)
        if obj is not None and obj.pk:
            context["can_send_back"] = self.may_send_back(request, obj)
            if obj.status == Status.DRAFT:
                context["review_sent_back"] = (
                    Review.objects.for_item(obj).sent_back().select_related("sent_back_by").first()
                )
            else:
                if "prepared_change" not in context:
                    context["prepared_change"] = prepared.open_for(obj)
                if context["prepared_change"] and not context["prepared_change"].wants_review:
                    context["review_sent_back"] = (
                        Review.objects.for_item(obj)
                        .sent_back()
                        .select_related("sent_back_by")
                        .first()
                    )
            if context.get("prepared_change"):
                context["prepared_urls"] = self.prepared_urls(obj, context["prepared_change"])
                context["can_publish_prepared"] = self.can_publish(request)
            if getattr(request, "preparing_changes", False):
                context["preparing_changes"] = True
                context["show_save_and_add_another"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def may_manage_preview_links(self, request):
        return (
            self.offers_preview_links
            and self.can_publish(request)
            and request.user.has_perm("publishing.add_previewlink")
        )

    def delete_queryset(self, request, queryset):
        # One by one, so each item keeps its address (410 Gone) as a single delete does.
        for obj in queryset:
            obj.delete()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if getattr(request, "preparing_changes", False):
            request.prepared_wants_review = form.cleaned_data.get("ask_to_publish", False)
        publishing = getattr(request, "publishing_prepared", None)
        if publishing is not None:
            publishing.close(PreparedChange.Outcome.PUBLISHED, request.user)
            Review.close(obj)
        elif obj.status != Status.PUBLISHED:
            self.set_prepared_changes_aside(request, obj)
        restoring = getattr(request, "history_restoring", None)
        if restoring is not None:
            self.remove_notes_after(request, obj, restoring)
        note = form.cleaned_data.get("change_note", "").strip()
        if note and obj.first_published_at:
            ChangeNote.objects.create(item=obj, note=note, created_by=request.user)
        if "status" in form.changed_data or restoring is not None:
            self.status_changed(request, obj)

    def set_prepared_changes_aside(self, request, obj):
        """A live item taken off the site (back to draft or into review) is edited
        directly again: changes prepared to it while it was live are closed, kept in the
        history, and the publisher is told, rather than left waiting unseen."""
        change = prepared.open_for(obj)
        if change is None:
            return
        change.close(PreparedChange.Outcome.DISCARDED, request.user)
        who = person(change.prepared_by) or "an editor"
        self.message_user(
            request,
            f"The changes {who} prepared to “{obj}” while it was live were set aside, as it "
            "is no longer published. They stay in its history, to compare and copy from.",
            messages.WARNING,
        )

    # The review queue (publishing/reviews.py) ----------------------------------------

    def status_changed(self, request, obj):
        """Set to “In review”: the Publishers are emailed. Published: the review is over.

        Restoring a version puts back its status before the form is built, so the form
        never sees the status change: it is compared here with the status the item had
        before the restore (`restore_context`). A restore that puts the item back in
        review is a new request for review by the person restoring, and its email says
        it was restored; one that leaves the status as it was tells nobody."""
        restoring = getattr(request, "history_restoring", None)
        if restoring is not None and obj.status == getattr(request, "status_before_restore", None):
            return
        if obj.status == Status.IN_REVIEW:
            restored_from = restoring.revision.date_created if restoring is not None else None
            review = Review.submit(obj, request.user, restored_from=restored_from)
            reviews.tell(review, Review.Event.SUBMITTED)
        elif obj.status == Status.PUBLISHED:
            Review.close(obj)

    def may_send_back(self, request, obj):
        return (
            (obj.status == Status.IN_REVIEW or self.prepared_waiting(obj).exists())
            and self.can_publish(request)
            and self.has_change_permission(request, obj)
        )

    def prepared_waiting(self, obj):
        """The live item's prepared changes, if its editor asked for them to be published."""
        return PreparedChange.objects.waiting_for_review().for_item(obj)

    def send_back_view(self, request, object_id):
        """Send an item in review, or the prepared changes to a live item, back to the
        editor who asked, with a comment: a draft again, or the prepared changes kept
        but no longer waiting (the live page is untouched)."""
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("No such item")
        if not self.can_publish(request) or not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
        )
        waiting = self.prepared_waiting(obj) if obj.status == Status.PUBLISHED else None
        if obj.status != Status.IN_REVIEW and not (waiting is not None and waiting.exists()):
            messages.warning(
                request, f"“{obj}” is not in review now ({obj.state_label}): nothing to send back."
            )
            return redirect(change_url)
        form = SendBackForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            comment = form.cleaned_data["comment"]
            with transaction.atomic(), reversion.create_revision():
                if waiting is not None:
                    waiting.update(wants_review=False)
                    said = (
                        f"Prepared changes sent back to be changed, with the comment: “{comment}”"
                    )
                else:
                    obj.status = Status.DRAFT
                    obj.save()
                    said = f"Sent back to be changed, with the comment: “{comment}”"
                review = Review.send_back(obj, request.user, comment)
                reversion.set_user(request.user)
                reversion.set_comment(said)
                self.log_change(request, obj, said)
                reviews.tell(review, "sent_back")
            editor = person(review.submitted_by)
            to = f" to {editor}" if editor else ""
            emailed = (
                " They will get an email with your comment."
                if review.submitted_by and review.submitted_by.email
                else ""
            )
            now = (
                "The prepared changes have been sent back"
                if waiting is not None
                else f"“{obj}” is a draft again and has been sent back"
            )
            messages.success(request, f"{now}{to}.{emailed}")
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Send “{obj}” back to be changed",
            "prepared_waiting": waiting is not None,
            "form": form,
            "change_url": change_url,
            "submitted": Review.objects.for_item(obj).open().select_related("submitted_by").first(),
        }
        return TemplateResponse(request, "admin/publishing/send_back.html", context)

    # Restoring an earlier version ------------------------------------------------------

    def restore_context(self, request, obj, version):
        # Shown on the restore form, before anything changes. `obj` is the item as it is
        # before the restore: its status is kept for `status_changed`.
        request.status_before_restore = obj.status
        return {"history_notes_removed": notes_after(obj, version)}

    def remove_notes_after(self, request, obj, version):
        """A public change note newer than the restored version describes a change the
        page no longer has: families would read about something that is not there. So
        it goes, and the messages and the admin log say which."""
        notes = notes_after(obj, version)
        for note in notes:
            note.delete()
        if notes:
            request.history_notes_removed = notes
            request.history_action = f"{request.history_action} {notes_removed(notes)}"

    def what_happened(self, request, obj):
        publishing = getattr(request, "publishing_prepared", None)
        if publishing is not None:
            who = person(publishing.prepared_by) or "an editor"
            return f"Published the changes {who} prepared. {self.where_it_stands(obj)}"
        said = super().what_happened(request, obj)
        removed = getattr(request, "history_notes_removed", None)
        return f"{said} {notes_removed(removed)}" if said and removed else said

    def where_it_stands(self, obj):
        if obj.is_published:
            return "It is published: this is what the public sees now."
        if obj.is_scheduled:
            when = obj.state_label.removeprefix("Scheduled ")
            return f"It is scheduled {when}: the public cannot see it until then."
        if obj.status == Status.IN_REVIEW:
            return "It is in review: the public cannot see it until a publisher publishes it."
        return "It is saved as a draft: the public cannot see it."

    @admin.display(description="Status")
    def current_state(self, obj):
        return obj.state_label if obj and obj.pk else "Draft (not saved yet)"

    # Changes to a live item (publishing/prepared.py) -----------------------------------

    def prepares_changes(self, request, obj):
        """An editor's save of a live or scheduled item prepares changes to it instead."""
        return (
            obj is not None
            and self.is_live_or_scheduled(obj)
            and not self.can_publish(request)
            and super().has_change_permission(request, obj)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if self.prepares_changes(request, obj):
            self.keep_first_version(obj)  # before the save that is rolled back
            return self.prepare_changes_view(request, obj, object_id, form_url, extra_context)
        return super().change_view(request, object_id, form_url, extra_context)

    def prepare_changes_view(self, request, obj, object_id, form_url, extra_context):
        """An editor's form of a live item. It shows the item's open prepared changes,
        if it has any; saving it is done and then rolled back, and what it recorded is
        kept as the item's prepared changes. The live item is never changed."""
        open_change = prepared.open_for(obj)
        live = versions_of(obj).order_by("-pk").first()
        request.preparing_changes = True
        request.prepared_state = prepared_state(live, open_change)
        context = {**(extra_context or {}), "prepared_change": open_change}
        since = prepared.latest_revision_id()
        recorded = None
        with transaction.atomic():
            if open_change is not None:
                open_change.revision.revert(delete=True)
            # The admin's own view, with its revision: recorded, then rolled back here.
            response = super().change_view(request, object_id, form_url, context)
            if request.method == "POST" and response.status_code == 302:
                recorded = prepared.recorded_since(obj, since)
            elif hasattr(response, "render"):
                response.render()  # now, while the prepared version is in place
            transaction.set_rollback(True)
        if recorded is not None:
            comment, versions = recorded
            wants_review = getattr(request, "prepared_wants_review", False)
            said = "Prepared changes to the live page, not published yet."
            if wants_review:
                said += " Asked a publisher to publish them."
            prepared.keep(
                obj,
                versions,
                by=request.user,
                based_on=live,
                wants_review=wants_review,
                comment=f"{said} {comment}".strip(),
            )
            if wants_review:
                reviews.tell(Review.submit(obj, request.user), Review.Event.SUBMITTED)
            self.log_change(request, obj, said)
        return response

    def response_change(self, request, obj):
        if getattr(request, "preparing_changes", False):
            asked = (
                " The publishers have been asked to publish them."
                if getattr(request, "prepared_wants_review", False)
                else " Tick “Ask a publisher to publish these changes” when they are ready."
            )
            self.message_user(
                request,
                f"Your changes to “{obj}” are kept as prepared changes. The public still "
                f"sees the live page until a publisher publishes them.{asked}",
                messages.SUCCESS,
            )
            return redirect(request.path)
        return super().response_change(request, obj)

    def publish_prepared_view(self, request, object_id):
        """A publisher's form with the prepared changes in place: saving it publishes
        them (a version like any other in the history)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such item")
        if not self.can_publish(request) or not self.has_change_permission(request, obj):
            raise PermissionDenied
        change = prepared.open_for(obj)
        if change is None:
            return self.no_prepared_changes(request, obj)
        live = versions_of(obj).order_by("-pk").first()
        request.publishing_prepared = change
        request.prepared_state = prepared_state(live, change)
        request.live_changed_since = live_changes_since(obj, change, live)
        who = person(change.prepared_by) or "an editor"
        request.history_action = (
            f"Published the changes prepared by {who} on {day_and_time(change.prepared_at)}."
        )
        context = {
            "prepared_change": change,
            "publishing_prepared": True,
            "live_changed_since": request.live_changed_since,
            "title": f"Publish the changes prepared to “{obj}”",
        }
        with transaction.atomic():
            change.revision.revert(delete=True)
            with self.create_revision(request):  # the publication is a version of its own
                response = self.changeform_view(request, object_id, request.path, context)
            if request.method == "POST" and response.status_code == 302:
                return response  # published: kept
            if hasattr(response, "render"):
                response.template_name = "admin/publishing/publish_prepared.html"
                response.render()
            transaction.set_rollback(True)
        return response

    def discard_prepared_view(self, request, object_id):
        """Editors and publishers can throw prepared changes away; the live item is as
        it was, and the history keeps the prepared version."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such item")
        if not super().has_change_permission(request, obj):
            raise PermissionDenied
        change = prepared.open_for(obj)
        if change is None:
            return self.no_prepared_changes(request, obj)
        who = person(change.prepared_by) or "an editor"
        if request.method == "POST":
            with transaction.atomic():
                change.close(PreparedChange.Outcome.DISCARDED, request.user)
                Review.close(obj)
                self.log_change(
                    request,
                    obj,
                    f"Discarded the changes prepared by {who} on "
                    f"{day_and_time(change.prepared_at)}.",
                )
            messages.success(
                request,
                f"The changes {who} prepared to “{obj}” were discarded. The live page is as "
                "it was; the prepared version stays in the history.",
            )
            return redirect(self.change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Discard the changes prepared to “{obj}”?",
            "prepared_change": change,
            "prepared_by": who,
            "change_url": self.change_url(obj),
        }
        return TemplateResponse(request, "admin/publishing/discard_prepared.html", context)

    def preview_prepared_view(self, request, object_id):
        """The item's public page as it will be once its prepared changes are published
        (staff only; never cached, never indexed)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such item")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        change = prepared.open_for(obj)
        if change is None:
            return self.no_prepared_changes(request, obj)
        response = prepared.render_page(request, obj, change)
        add_never_cache_headers(response)
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {
                **(extra_context or {}),
                "prepared_changes": self.prepared_history(obj),
            }
        return super().history_view(request, object_id, extra_context)

    def prepared_history(self, obj):
        """Every set of changes prepared to the item, newest first, with a link comparing
        each with the live version it was prepared from."""
        changes = list(
            PreparedChange.objects.for_item(obj).select_related("prepared_by", "closed_by")
        )
        if not changes:
            return []
        versions = dict(
            Version.objects.filter(
                revision_id__in=[change.revision_id for change in changes],
                content_type_id=ContentType.objects.get_for_model(obj).pk,
                object_id=str(obj.pk),
            ).values_list("revision_id", "pk")
        )
        compare = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history_compare",
            args=[obj.pk],
        )
        return [
            {
                "change": change,
                "by": person(change.prepared_by),
                "closed_by": person(change.closed_by),
                "compare_url": (
                    f"{compare}?from={change.based_on_id}&to={versions[change.revision_id]}"
                    if change.based_on_id and change.revision_id in versions
                    else ""
                ),
            }
            for change in changes
        ]

    def no_prepared_changes(self, request, obj):
        messages.info(
            request,
            f"“{obj}” has no prepared changes now: they have been published or discarded.",
        )
        return redirect(self.change_url(obj))

    def change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def prepared_urls(self, obj, change):
        opts = self.opts
        item_version = prepared.version_of_item(change)
        live = versions_of(obj).order_by("-pk").values_list("pk", flat=True).first()
        compare = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_history_compare",
            args=[obj.pk],
        )
        name = f"admin:{opts.app_label}_{opts.model_name}"
        return {
            "preview": reverse(f"{name}_preview_prepared", args=[obj.pk]),
            "publish": reverse(f"{name}_publish_prepared", args=[obj.pk]),
            "discard": reverse(f"{name}_discard_prepared", args=[obj.pk]),
            "compare": f"{compare}?from={live}&to={item_version.pk}"
            if live and item_version
            else "",
        }

    def prepared_conflict(self, obj, token):
        """Why a save of prepared changes, or their publication, is refused: the live
        item or its prepared changes were saved after the form was opened."""
        name = self.opts.verbose_name
        loaded_live = token.partition("|")[0]
        loaded_live = int(loaded_live) if loaded_live.isdigit() else 0
        newer = versions_of(obj).filter(pk__gt=loaded_live).select_related("revision__user")
        latest = newer.order_by("-pk").first()
        texts = []
        if latest is not None:
            texts.append(
                f"{person(latest.revision.user) or 'Someone'} changed the live {name} at "
                f"{when(latest.revision.date_created)}, after you opened it."
            )
            baseline = versions_of(obj).filter(pk=loaded_live).first()
            comparison = (
                VersionDiffer([baseline, latest]).compare(baseline, latest) if baseline else None
            )
            if comparison:
                texts += ["What changed on the live page:", *comparison.as_text()]
        else:
            change = (
                PreparedChange.objects.for_item(obj)
                .select_related("prepared_by", "closed_by")
                .first()
            )
            if change is not None and change.is_open:
                texts.append(
                    f"{person(change.prepared_by) or 'Someone'} saved prepared changes to this "
                    f"{name} at {when(change.prepared_at)}, after you opened it."
                )
            elif change is not None:
                texts.append(
                    f"{person(change.closed_by) or 'Someone'} "
                    f"{change.get_outcome_display().lower()} the prepared changes to this "
                    f"{name} at {when(change.closed_at)}, after you opened it."
                )
            else:
                texts.append(f"This {name} was changed after you opened it.")
        texts.append(
            "Your changes have not been saved, and nothing is lost: what you typed is still "
            "in the form below. Copy anything you want to keep, then reload the page to see "
            "the latest version and make your changes again."
        )
        return texts

    # Preview links ------------------------------------------------------------

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_preview_links"
        return [
            path(
                "<path:object_id>/preview-links/",
                self.admin_site.admin_view(self.preview_links_view),
                name=name,
            ),
            path(
                "<path:object_id>/send-back/",
                self.admin_site.admin_view(self.send_back_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_send_back",
            ),
            *(
                path(
                    f"<path:object_id>/prepared/{action}/",
                    self.admin_site.admin_view(view),
                    name=f"{self.opts.app_label}_{self.opts.model_name}_{action}_prepared",
                )
                for action, view in [
                    ("preview", self.preview_prepared_view),
                    ("publish", self.publish_prepared_view),
                    ("discard", self.discard_prepared_view),
                ]
            ),
            *super().get_urls(),
        ]

    def preview_links_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("No such item")
        if not self.may_manage_preview_links(request):
            raise PermissionDenied
        links = PreviewLink.objects.filter(
            content_type__app_label=self.opts.app_label,
            content_type__model=self.opts.model_name,
            object_id=obj.pk,
        )
        form = PreviewLinkForm(request.POST or None)
        if request.method == "POST":
            if "revoke" in request.POST:
                link = links.filter(pk=request.POST["revoke"]).first()
                if link:
                    link.revoke()
                    self.log_change(request, obj, "Revoked a preview link.")
                    messages.success(request, "The preview link has been revoked.")
                return redirect(request.path)
            if form.is_valid():
                link = PreviewLink.objects.create(
                    item=obj,
                    created_by=request.user,
                    expires_at=timezone.now() + timedelta(days=int(form.cleaned_data["days"])),
                )
                until = date_format(timezone.localtime(link.expires_at), "j F Y, H:i")
                self.log_change(request, obj, f"Made a preview link that works until {until}.")
                messages.success(
                    request,
                    "Preview link created. Copy it from the list below and send it "
                    "to the person who needs to see it.",
                )
                return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Preview links for “{obj}”",
            "links": [
                (link, request.build_absolute_uri(link.get_absolute_url()), person(link.created_by))
                for link in links.select_related("created_by")
            ],
            "form": form,
            "change_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
            ),
        }
        return TemplateResponse(request, "admin/publishing/preview_links.html", context)


def prepared_state(live, change):
    """What a form of prepared changes was built from: the live version and the
    prepared one (PublishableForm.prepared_from)."""
    return f"{live.pk if live else 0}|{change.revision_id if change else 0}"


def live_changes_since(obj, change, live):
    """What changed on the live item after its changes were prepared, in words: a
    publisher must see it before publishing the prepared version over it."""
    base = change.based_on
    if base is None or live is None or base.pk >= live.pk:
        return []
    comparison = VersionDiffer([base, live]).compare(base, live)
    who = person(live.revision.user) or "Someone"
    return [
        f"{who} changed the live page at {when(live.revision.date_created)}, after these "
        "changes were prepared.",
        *(comparison.as_text() if comparison else []),
    ]


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="What should be changed?",
        widget=forms.Textarea(attrs={"rows": 6, "class": "vLargeTextField"}),
        max_length=2000,
        help_text="The editor sees this on the item and on their admin home page, and "
        "gets it by email. Say what to change, so they can fix it and send it again.",
        error_messages={"required": "Say what should be changed, so the editor can fix it."},
    )


class PreviewLinkForm(forms.Form):
    days = forms.TypedChoiceField(
        label="The link works for",
        choices=[(1, "1 day"), (3, "3 days"), (7, "7 days"), (14, "14 days")],
        coerce=int,
        initial=PreviewLink.DEFAULT_DAYS,
    )


def notes_after(obj, version):
    """The item's public change notes added after `version` was saved: since the next
    save began (a note is added during the save whose version has its change)."""
    if obj is None or not hasattr(obj, "change_notes"):
        return []
    replaced_at = next_save_began(obj, version)
    if replaced_at is None:
        return []  # the current version
    return list(obj.change_notes.filter(created_at__gte=replaced_at))


def notes_removed(notes):
    words = " and ".join(f"“{note.note}”" for note in notes)
    if len(notes) == 1:
        return (
            f"Removed the public change note {words}, because the change it describes is "
            "no longer on the page."
        )
    return (
        f"Removed the public change notes {words}, because the changes they describe are "
        "no longer on the page."
    )


class KindOfContentFilter(admin.SimpleListFilter):
    """The kinds of content a preview link can show (those whose PublishableAdmin
    offers preview links), by the names editors know, rather than every content type
    Django keeps."""

    title = "kind of content"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        site = model_admin.admin_site
        kinds = [
            model
            for model in apps.get_models()
            if site.is_registered(model)
            and getattr(site.get_model_admin(model), "offers_preview_links", False)
        ]
        types = ContentType.objects.get_for_models(*kinds)
        return sorted(((types[model].pk, kind_label(model)) for model in kinds), key=lambda c: c[1])

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(content_type_id=int(value))
        return queryset


def kind_label(model):
    kind = content.of(model)
    return kind.label if kind is not None else capfirst(model._meta.verbose_name)


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    list_display = ["item", "made_by", "created_at", "expires_at", "revoked_at"]
    list_filter = [KindOfContentFilter, ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["created_by"]
    actions = ["revoke"]
    readonly_fields = ["content_type", "object_id", "created_by", "created_at"]
    fields = ["content_type", "object_id", "expires_at", "revoked_at", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False  # made from an item's change form, where the item is known

    @admin.display(description="Made by", ordering="created_by__first_name")
    def made_by(self, link):
        return person(link.created_by) or "-"

    @admin.action(description="Revoke the selected preview links")
    def revoke(self, request, queryset):
        for link in queryset:
            link.revoke()
        messages.success(request, f"{len(queryset)} preview link(s) revoked.")


@admin.register(ChangeNote)
class ChangeNoteAdmin(admin.ModelAdmin):
    list_display = ["note", "item", "created_at", "created_by"]
    readonly_fields = ["content_type", "object_id", "created_by"]
    fields = ["content_type", "object_id", "note", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False  # added with the update, from the item's change form
