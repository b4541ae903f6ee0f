"""Version history for every content model (django-reversion).

Every save made in the admin keeps a version of the item together with the
rows edited inline with it (quotes, decision points) and its linked
priorities. Editors read the history as a field-by-field diff, restore an
earlier version of what they may change now and recover deleted items (a live
one only if they may publish); and a save made on a form that someone else has
saved since it was opened is refused rather than silently overwriting their work.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import reversion
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import Truncator, capfirst
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version
from reversion.revisions import _get_options

# The hidden form field that carries what the editor loaded.
LOADED = "loaded_version"
HISTORY_PAGE_SIZE = 25
HISTORY_MEDIA = forms.Media(css={"all": ["admin/history.css"]})
FIRST_VERSION_COMMENT = (
    "The item as it was when first opened in the admin (it was added outside the admin)."
)
DELETED_COMMENT = "Deleted. It can be recovered from “Recover deleted …” on the list page."


# Reading versions ---------------------------------------------------------------------


@dataclass
class Line:
    kind: str  # "removed", "added", "same" (context), "gap" (unchanged lines left out)
    text: str
    parts: list = field(default_factory=list)  # (words, changed) when a line was edited


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    multiline: bool
    lines: list = field(default_factory=list)

    def as_text(self):
        if "\n" not in self.old + self.new:
            was = f"was “{short(self.old)}”" if self.old else "was empty"
            now = f"now “{short(self.new)}”" if self.new else "now empty"
            return f"{self.label}: {was}, {now}."
        parts = []
        for kind in ("removed", "added"):
            texts = [line.text for line in self.lines if line.kind == kind]
            parts += [f"{kind} “{short(text)}”" for text in texts[:3]]
            if len(texts) > 3:
                parts.append(f"{kind} {len(texts) - 3} more lines")
        return f"{self.label}: {'; '.join(parts) or 'line breaks changed'}."


@dataclass
class ItemChange:
    """A row edited inline with the item, such as a quote: added, removed or changed."""

    label: str
    action: str
    changes: list

    def as_text(self):
        if self.action == "changed":
            return f"{self.label} changed: " + " ".join(c.as_text() for c in self.changes)
        return f"{self.label} {self.action}."


@dataclass
class Comparison:
    fields: list
    items: list

    def __bool__(self):
        return bool(self.fields or self.items)

    def as_text(self):
        return [change.as_text() for change in [*self.fields, *self.items]]


def short(text, length=120):
    return Truncator(" ".join(text.split())).chars(length)


def field_data(version):
    """A version's field values, or nothing when the stored data cannot be read."""
    if version is None:
        return {}
    try:
        return version.field_dict
    except RevertError:
        return {}


def versioned_fields(model):
    """The fields an editor can change, in the model's order."""
    stored = set(_get_options(model).fields)
    return [
        f
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.name in stored and f.editable and not f.primary_key
    ]


class RelatedNames:
    """Names of the strategies, priorities… that versions point at, looked up in bulk."""

    def __init__(self, versions):
        wanted = defaultdict(set)
        for version in versions:
            data = field_data(version)
            for f in versioned_fields(version._model):
                if f.is_relation and data.get(f.attname) not in (None, ""):
                    value = data[f.attname]
                    wanted[f.related_model].update(value if f.many_to_many else [value])
        self.names = {
            model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk(pks).items()}
            for model, pks in wanted.items()
        }

    def __call__(self, model, pk):
        name = self.names.get(model, {}).get(pk)
        return name or f"{model._meta.verbose_name} {pk} (since deleted)"


def display(f, value, names):
    """A value as an editor reads it: choice labels, names, UK dates, Yes and No."""
    if value is None or value == "" or value == []:
        return ""
    if f.many_to_many:
        return "\n".join(sorted(names(f.related_model, pk) for pk in value))
    if f.is_relation:
        return names(f.related_model, value)
    if f.flatchoices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(f, models.DateTimeField):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(f, models.DateField):
        return date_format(value, "j F Y")
    return str(value)


def line_diff(old, new, context=1):
    """Changed lines, with a line of context either side; blank lines are left out."""
    before = [line for line in old.splitlines() if line.strip()]
    after = [line for line in new.splitlines() if line.strip()]
    lines = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [Line("same", text) for text in before[i1:i2]]
        else:
            removed = [Line("removed", text) for text in before[i1:i2]]
            added = [Line("added", text) for text in after[j1:j2]]
            for old_line, new_line in zip(removed, added, strict=False):
                mark_words(old_line, new_line)
            lines += removed + added
    changed = [i for i, line in enumerate(lines) if line.kind != "same"]
    near = {j for i in changed for j in range(i - context, i + context + 1)}
    shown = []
    for i, line in enumerate(lines):
        if line.kind != "same" or i in near:
            shown.append(line)
        elif not shown or shown[-1].kind != "gap":
            shown.append(Line("gap", "…"))
    return shown


def mark_words(old, new):
    """Within a line that was edited rather than replaced, mark the words that changed."""
    before, after = re.split(r"(\s+)", old.text), re.split(r"(\s+)", new.text)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    if matcher.ratio() < 0.5:
        return  # mostly rewritten: the whole line reads better
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        old.parts += [(word, changed and not word.isspace()) for word in before[i1:i2]]
        new.parts += [(word, changed and not word.isspace()) for word in after[j1:j2]]
    old.parts, new.parts = merge_parts(old.parts), merge_parts(new.parts)


def merge_parts(parts):
    merged = []
    for words, changed in parts:
        if not words:
            continue
        if merged and merged[-1][1] == changed:
            merged[-1] = (merged[-1][0] + words, changed)
        else:
            merged.append((words, changed))
    return merged


def field_changes(model, old, new, names, skip=()):
    changes = []
    for f in versioned_fields(model):
        if f.name in skip:
            continue
        before, after = old.get(f.attname), new.get(f.attname)
        if f.many_to_many:
            before, after = sorted(before or []), sorted(after or [])
        if before == after or same_but_line_endings(before, after):
            continue
        old_text, new_text = display(f, before, names), display(f, after, names)
        if old_text == new_text:
            continue
        multiline = f.many_to_many or isinstance(f, models.TextField)
        if multiline:
            lines = line_diff(old_text, new_text)
        else:
            lines = [Line("removed", old_text)] * bool(old_text)
            lines += [Line("added", new_text)] * bool(new_text)
        label = capfirst(f.verbose_name)
        changes.append(FieldChange(f.name, label, old_text, new_text, multiline, lines))
    return changes


def same_but_line_endings(before, after):
    """A browser sends a text box's line breaks as CRLF, so the first save in the admin of
    text loaded with LF changes every line ending: not a change anyone made."""
    return (
        isinstance(before, str)
        and isinstance(after, str)
        and before.replace("\r\n", "\n") == after.replace("\r\n", "\n")
    )


class VersionDiffer:
    """Compares versions of one item, including the rows saved in the same revision."""

    def __init__(self, versions, order=()):
        self.order = {name: i for i, name in enumerate(order)}  # as the form shows them
        versions = [version for version in versions if version is not None]
        self.children = defaultdict(dict)
        others = Version.objects.filter(
            revision_id__in={version.revision_id for version in versions}
        ).exclude(pk__in=[version.pk for version in versions])
        for child in others:
            self.children[child.revision_id][(child.content_type_id, child.object_id)] = child
        every = [*versions, *(c for group in self.children.values() for c in group.values())]
        self.names = RelatedNames(every)

    def compare(self, old, new):
        model = new._model
        fields = field_changes(model, field_data(old), field_data(new), self.names)
        fields.sort(key=lambda change: self.order.get(change.name, len(self.order)))
        before, after = self.children[old.revision_id], self.children[new.revision_id]
        items = []
        for key in sorted(set(before) | set(after), key=sort_key):
            was, now = before.get(key), after.get(key)
            child_model = (now or was)._model
            # The link back to the item itself never changes; leave it out.
            skip = {f.name for f in child_model._meta.concrete_fields if f.related_model is model}
            changes = field_changes(child_model, field_data(was), field_data(now), self.names, skip)
            action = "added" if was is None else "removed" if now is None else "changed"
            if action == "changed" and not changes:
                continue
            name = capfirst(child_model._meta.verbose_name)
            label = f"{name} “{short((now or was).object_repr, 60)}”"
            items.append(ItemChange(label, action, changes))
        return Comparison(fields, items)


def sort_key(key):
    content_type_id, object_id = key
    return (content_type_id, int(object_id) if object_id.isdigit() else 0, object_id)


def person(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def when(moment):
    return date_format(timezone.localtime(moment), r"H:i \o\n j F Y")


def day_and_time(moment):
    """“3 December 2026, 14:02”, in UK time, as the history page writes it."""
    return date_format(timezone.localtime(moment), "j F Y, H:i")


# No silent overwrites -------------------------------------------------------------------


def versions_of(obj):
    """The item's versions as saved, without any changes prepared to it while it was
    live (publishing/prepared.py): its latest version is what it is now."""
    return Version.objects.get_for_object(obj).filter(revision__prepared_change__isnull=True)


def is_prepared(version):
    """Whether the version is of changes prepared to a live item, not a saved one."""
    return hasattr(version.revision, "prepared_change")  # False when there is none


def next_save_began(obj, version):
    """When the save that replaced `version` began, or None for the latest version."""
    return (
        versions_of(obj)
        .filter(pk__gt=version.pk)
        .order_by("pk")
        .values_list("revision__date_created", flat=True)
        .first()
    )


def loaded_state(obj):
    """What the editor's form was built from: when the item was last saved, and its
    latest version (the baseline for showing what changed since)."""
    saved_at = getattr(obj, "updated_at", None)
    latest = versions_of(obj).order_by("-pk").values_list("pk", flat=True).first()
    return f"{saved_at.isoformat() if saved_at else ''}|{latest or 0}"


class LoadedVersionField(forms.CharField):
    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False  # bookkeeping, never an edit to report in the admin log


class ConflictCheckForm(forms.ModelForm):
    """Refuses a save when someone else saved the item after this form was opened.

    Composed onto whatever form the admin builds (see HistoryAdmin.get_form),
    so other mixins' fields and checks still apply.
    """

    loaded_version = LoadedVersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[LOADED].initial = loaded_state(self.instance)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            token = cleaned_data.get(LOADED) or ""
            # Every file chosen on the page (the item's and its inline rows').
            dropped = [upload.name for upload in self.files.values() if upload]
            problem = conflict(self.instance, token, order=list(self.fields), dropped=dropped)
            if problem:
                raise ValidationError(problem)
        return cleaned_data


def conflict(obj, token, order=(), dropped=()):
    """Messages explaining why the save is refused, or None when it is safe to save.

    A form sent without the hidden field (an old tab, a script) is not checked.
    `dropped` names the files chosen in the form: a browser shows a refused form again
    without them, so the message says they must be chosen again.
    """
    saved_at, _, version_id = token.partition("|")
    try:
        loaded_at = datetime.fromisoformat(saved_at) if saved_at else None
        loaded_id = int(version_id or 0)
    except ValueError:
        return None
    current_at = getattr(obj, "updated_at", None)
    if loaded_at is None or current_at is None:
        if not version_id:
            return None
        latest = versions_of(obj).order_by("-pk").values_list("pk", flat=True).first()
        if (latest or 0) == loaded_id:
            return None
    elif loaded_at == current_at:
        return None

    name = obj._meta.verbose_name
    since = list(versions_of(obj).filter(pk__gt=loaded_id).select_related("revision__user"))
    baseline = versions_of(obj).filter(pk=loaded_id).first() if loaded_id else None
    if dropped:
        chosen = chosen_files(dropped)
        keep = (
            "Your changes have not been saved. What you typed is still in the form below, "
            f"but {chosen} {'is' if len(dropped) == 1 else 'are'} not: a browser cannot keep "
            f"a chosen file, so choose {'it' if len(dropped) == 1 else 'them'} again after you "
            "reload the page. Copy anything you want to keep, then reload the page to see the "
            "latest version and make your changes again."
        )
    else:
        keep = (
            "Your changes have not been saved, and nothing is lost: what you typed is still "
            "in the form below. Copy anything you want to keep, then reload the page to see "
            "the latest version and make your changes again."
        )
    if not since:
        moment = f" at {when(current_at)}" if current_at else ""
        return [
            f"This {name} was changed{moment}, after you opened it, outside the admin, "
            "so what changed was not recorded.",
            keep,
        ]
    latest = since[0]  # versions are newest first
    comparison = (
        VersionDiffer([baseline, latest], order).compare(baseline, latest) if baseline else None
    )
    if baseline is not None and not comparison:
        return None  # saved since, but nothing your form holds was changed: safe to save
    people = list(dict.fromkeys(person(v.revision.user) or "Someone" for v in reversed(since)))
    who = " and ".join(people) if len(people) < 3 else f"{', '.join(people[:-1])} and {people[-1]}"
    messages = [
        f"{who} saved this {name} at {when(latest.revision.date_created)}, after you opened it.",
        keep,
    ]
    if comparison:
        messages.append("What changed in between:")
        messages += comparison.as_text()
    return messages


def chosen_files(names):
    """“the photo you chose (photo.png)”, or for several, “the photos you chose (a, b)”."""
    if len(names) == 1:
        return f"the photo you chose ({names[0]})"
    return f"the photos you chose ({', '.join(names)})"


# The admin ------------------------------------------------------------------------------


class HistoryAdmin(VersionAdmin):
    """Every admin save keeps a version; earlier versions can be restored and
    deleted items recovered; and a save never silently overwrites someone
    else's."""

    history_latest_first = True
    object_history_template = "admin/history/object_history.html"
    revision_form_template = "admin/history/revision_form.html"
    recover_form_template = "admin/history/recover_form.html"
    recover_list_template = "admin/history/recover_list.html"

    # What a version holds -------------------------------------------------------------

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow_own_inlines()

    def follow_own_inlines(self):
        """django-reversion registers a model the first time an admin names it. A model
        first met as another admin's inline (a progress update, inline on its
        deliverable's page) was registered then without the rows of its own inlines (its
        evidence links), and its versions would leave them out: so an edit to them could
        not be seen in the history, restored, or kept in prepared changes. Register it
        again, following them."""
        follows = set()
        for inline in self.inlines:
            inline_model, follow = self._reversion_introspect_inline_admin(inline)
            if follow:
                follows.add(follow)
                self._reversion_autoregister(inline_model, ())  # does nothing if it is
        registered = _get_options(self.model)
        if follows - set(registered.follow):
            reversion.unregister(self.model)
            self._reversion_autoregister(self.model, (*registered.follow, *sorted(follows)))

    def _reversion_introspect_inline_admin(self, inline):
        """Follow only the inline rows that belong to the item (deleted with it).

        Quotes and decision points are part of their item and are restored with
        it. A strategy's priorities are content with their own history:
        following them would let restoring a strategy rewrite, or even delete,
        priorities.
        """
        inline_model, follow_field = super()._reversion_introspect_inline_admin(inline)
        if follow_field:
            relation = self.model._meta.get_field(follow_field)
            if relation.on_delete is not models.CASCADE:
                follow_field = None
        return inline_model, follow_field

    def keep_first_version(self, obj):
        """Content loaded outside the admin has no version yet: keep one before the
        first edit, so that edit has something to be compared with and undone to."""
        if not versions_of(obj).exists():
            with reversion.create_revision():
                reversion.set_comment(FIRST_VERSION_COMMENT)
                reversion.add_to_revision(obj)

    def keep_version_before_deleting(self, request, obj):
        """So anything deleted can be recovered, even if it was never saved here."""
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(DELETED_COMMENT)
            reversion.add_to_revision(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_or_change_permission(request, obj):
            self.keep_first_version(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_model(self, request, obj):
        self.keep_version_before_deleting(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:  # one revision each, so each can be recovered on its own
            self.keep_version_before_deleting(request, obj)
        super().delete_queryset(request, queryset)

    # No silent overwrites ---------------------------------------------------------------

    def checks_conflicts(self, request, obj):
        return obj is not None and obj.pk is not None and self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if fieldsets and self.checks_conflicts(request, obj):
            name, options = fieldsets[0]
            if LOADED not in flatten_fieldsets(fieldsets):
                fieldsets[0] = (name, {**options, "fields": [*options["fields"], LOADED]})
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        checks = self.checks_conflicts(request, obj)
        if checks and "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs.get("fields") is not None:
            # The model form knows nothing of the hidden field; the mixin adds it.
            kwargs["fields"] = [name for name in kwargs["fields"] if name != LOADED]
        form = super().get_form(request, obj, change, **kwargs)
        if checks:
            form = type(form.__name__, (ConflictCheckForm, form), {})
        return form

    # After a refused save --------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if context.get("errors"):  # a save was refused: the form is shown again
            if change and obj is not None:
                obj = self.show_what_is_stored(request, context, obj)
            self.ask_for_chosen_files_again(request, context)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def show_what_is_stored(self, request, context, obj):
        """Checking the form wrote what was typed onto the item in memory; the page
        around the form (heading, status line, link preview, Preview link, what may be
        done with it) reads the item, and must say what is stored, not what was refused.
        The form keeps what was typed. Returns the stored item."""
        stored = self.get_object(request, str(obj.pk))
        if stored is None:
            return obj
        context["original"] = stored
        context["subtitle"] = str(stored)
        context["adminform"].form.instance = stored  # what its read-only fields show
        return stored

    def ask_for_chosen_files_again(self, request, context):
        """A browser shows a refused form again without the files chosen in it. Say so
        beside each file field, or the editor saves next time without their photo."""
        forms_shown = [context["adminform"].form]
        for inline in context.get("inline_admin_formsets", []):
            forms_shown += inline.formset.forms
        for form in forms_shown:
            if not hasattr(form, "cleaned_data"):
                continue
            for name, form_field in form.fields.items():
                upload = request.FILES.get(form.add_prefix(name))
                # A file refused for itself already has its reason beside it.
                if upload and isinstance(form_field, forms.FileField) and name not in form.errors:
                    form.add_error(
                        name,
                        f"The photo you chose ({upload.name}) was not saved, because the "
                        "page could not be saved. Choose it again before you save.",
                    )

    # The admin log says what happened -------------------------------------------------

    def log_change(self, request, obj, message):
        return super().log_change(request, obj, getattr(request, "history_action", message))

    # Restore and recover --------------------------------------------------------------

    # django-reversion's views put the version back first and ask about permissions
    # after, of the item as that version left it; and they take a version of any model
    # whose id matches. So here, before anything is put back: the version must be one
    # of this item's (or, to recover, of an item of this kind that is really deleted),
    # and restoring needs the right to change the item as it is now. Otherwise an
    # editor could turn a live item back into a draft, or restore another kind of
    # content through a draft of their own that has the same id.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        version = self.version_or_none(version_id, object_id=unquote(object_id))
        if obj is None or version is None:
            raise Http404("No such version of this item")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        context = {**self.version_context(version), **self.restore_context(request, obj, version)}
        by = f" by {context['history_by']}" if context["history_by"] else ""
        request.history_action = (
            f"Restored the version saved at {when(version.revision.date_created)}{by}."
        )
        request.history_restoring = version
        return super().revision_view(
            request, object_id, version_id, {**context, **(extra_context or {})}
        )

    def recover_view(self, request, version_id, extra_context=None):
        version = self.version_or_none(version_id)
        if version is None or self.model._default_manager.filter(pk=version.object_id).exists():
            raise Http404("No such deleted item")
        context = self.version_context(version)
        request.history_action = (
            f"Recovered after it was deleted, as saved at {when(version.revision.date_created)}."
        )
        request.history_recovering = version
        return super().recover_view(request, version_id, {**context, **(extra_context or {})})

    def restore_context(self, request, obj, version):
        """More for the restore form to say before anything changes (see PublishableAdmin)."""
        return {}

    def response_change(self, request, obj):
        """After a restore or a recovery, say in plain words what happened, rather than
        the admin's “changed successfully”. Their forms have one button, “Save”."""
        said = self.what_happened(request, obj)
        if said is None:
            return super().response_change(request, obj)
        self.message_user(request, said, messages.SUCCESS)
        return self.response_post_save_change(request, obj)

    def what_happened(self, request, obj):
        """The message after a restore or a recovery, or None after an ordinary save."""
        restored = getattr(request, "history_restoring", None)
        if restored is not None:
            return (
                f"Restored the version from {day_and_time(restored.revision.date_created)}. "
                f"{self.where_it_stands(obj)} The version it replaced is still in the history."
            )
        recovered = getattr(request, "history_recovering", None)
        if recovered is not None:
            return (
                f"Recovered the {self.opts.verbose_name} “{obj}”, as it was kept on "
                f"{day_and_time(recovered.revision.date_created)}. {self.where_it_stands(obj)}"
            )
        return None

    def where_it_stands(self, obj):
        """Who can see the item now, in a sentence (content that has no draft stage is
        on the site as soon as it is saved)."""
        return "It is on the site now."

    def version_or_none(self, version_id, **filters):
        """A version of this admin's kind of content, or None."""
        return (
            Version.objects.get_for_model(self.model)
            .select_related("revision__user")
            .filter(pk=version_id, **filters)
            .first()
        )

    def version_context(self, version):
        return {
            "history_version": version,
            "history_by": person(version.revision.user) if version else "",
        }

    # The history page -----------------------------------------------------------------

    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.history_compare_view),
                name=f"{opts.app_label}_{opts.model_name}_history_compare",
            ),
            *super().get_urls(),
        ]

    def history_url(self, name, *args):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}", args=args
        )

    def version_choices(self, obj):
        """Every version of the item, newest first, as (id, how the chooser names it)."""
        rows = (
            versions_of(obj)
            .order_by("-pk")
            .values_list(
                "pk",
                "revision__date_created",
                "revision__user__first_name",
                "revision__user__last_name",
                "revision__user__username",
            )
        )
        choices = []
        for i, (pk, date, first_name, last_name, username) in enumerate(rows):
            name = " ".join(filter(None, [first_name, last_name])) or username or ""
            label = day_and_time(date) + (f" by {name}" if name else "")
            choices.append((pk, f"{label} (current version)" if i == 0 else label))
        return choices

    def history_compare_view(self, request, object_id):
        """Any two versions of an item, compared: what changed from the older to the newer."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such item")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        chosen = [request.GET.get("from", ""), request.GET.get("to", "")]
        if not all(pk.isdigit() for pk in chosen):
            raise Http404("Choose two versions to compare")
        # Changes prepared to a live item can be compared too (publishing/prepared.py).
        versions = {
            version.pk: version
            for version in Version.objects.get_for_object(obj)
            .filter(pk__in=[int(pk) for pk in chosen])
            .select_related("revision__user", "revision__prepared_change")
        }
        if len(versions) != len(set(chosen)):
            raise Http404("No such version of this item")
        older, newer = versions[min(versions)], versions[max(versions)]
        order = flatten_fieldsets(self.get_fieldsets(request, obj))
        current = versions_of(obj).order_by("-pk").values_list("pk", flat=True).first()
        may_restore = self.has_change_permission(request, obj)
        compared = [
            {
                "version": version,
                "date": version.revision.date_created,
                "user": person(version.revision.user),
                "is_current": version.pk == current,
                "is_prepared": is_prepared(version),
                "restore_url": self.history_url("revision", object_id, version.pk)
                if may_restore and not is_prepared(version)
                else None,
            }
            for version in (older, newer)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"Compare two versions of “{obj}”",
            "subtitle": None,
            "compared": compared,
            "same_version": older.pk == newer.pk,
            "changes": VersionDiffer([older, newer], order).compare(older, newer),
            "history_url": self.history_url("history", object_id),
            "compare_url": request.path,
            "version_choices": self.version_choices(obj),
            "compare_from": older.pk,
            "compare_to": newer.pk,
            "media": HISTORY_MEDIA,
        }
        return TemplateResponse(request, "admin/history/compare.html", context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:  # the admin's own view says it no longer exists
            return super().history_view(request, object_id, extra_context)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        choices = self.version_choices(obj)
        ids = [pk for pk, _ in choices]
        page = Paginator(ids, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
        older = ids[page.end_index()] if page.end_index() < len(ids) else None
        versions = {
            version.pk: version
            for version in Version.objects.filter(pk__in=[*shown, older]).select_related(
                "revision__user"
            )
        }
        order = flatten_fieldsets(self.get_fieldsets(request, obj))
        differ = VersionDiffer(versions.values(), order)
        previous = dict(zip(shown, [*shown[1:], older], strict=True))
        opts = self.opts
        may_restore = self.has_change_permission(request, obj)
        entries = []
        for pk in shown:
            version, before = versions[pk], versions.get(previous[pk])
            entries.append(
                {
                    "version": version,
                    "date": version.revision.date_created,
                    "user": person(version.revision.user),
                    "comment": version.revision.get_comment(),
                    "changes": differ.compare(before, version) if before else None,
                    "is_first": before is None,
                    "is_current": pk == ids[0],
                    "restore_url": reverse(
                        f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_revision",
                        args=[object_id, pk],
                    )
                    if may_restore
                    else None,
                }
            )
        context = {
            "history_entries": entries,
            "history_page": page,
            "history_may_restore": may_restore,
            "version_choices": choices,
            "compare_url": self.history_url("history_compare", object_id),
            # The last change, until the editor chooses others.
            "compare_from": ids[1] if len(ids) > 1 else None,
            "compare_to": ids[0] if ids else None,
            "media": HISTORY_MEDIA,
            **(extra_context or {}),
        }
        # Straight to the admin's own view: VersionAdmin's would list every version again.
        return super(VersionAdmin, self).history_view(request, object_id, context)
