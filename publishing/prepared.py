"""
Changes to a live item, prepared by an editor and kept aside until a publisher
publishes them: the public keeps seeing the live version meanwhile.

How, in django-reversion's terms (the same way it shows an old version in a form):

- **Preparing.** An editor's save of a live item is made as usual, with every check,
  inside a transaction that is then rolled back. The version django-reversion recorded
  of that save (the item, the rows edited with it, its picture) is copied out first and
  kept as the item's open `PreparedChange`. Nothing the public reads has changed.
- **Showing.** The editor's form, the preview and a preview link put the prepared
  version in place (`Revision.revert`) inside a transaction that is always rolled back,
  and render as they always do: the page cannot drift from what will be published.
- **Publishing.** A publisher opens the form with the prepared version in place and
  saves it, this time for real; the save is an ordinary version in the history.

Why not a second, hidden copy of each row: every kind of content, its inline rows and
its picture would need one, and every "public now" query would have to skip them. The
rolled-back save needs nothing from the models. Its cost: the saves made while showing
prepared changes empty the page cache as any save does (the pages come back on their
next request), and they are only made for signed-in staff and preview links.
"""

from contextlib import contextmanager
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.urls import resolve
from django.utils import timezone
from reversion.models import Revision, Version

from publishing.models import PreparedChange


def open_for(item):
    """The item's open prepared changes, or None."""
    if item is None or item.pk is None:
        return None
    return (
        PreparedChange.objects.open()
        .for_item(item)
        .select_related("revision", "prepared_by", "based_on")
        .first()
    )


def version_of_item(prepared):
    """The prepared version of the item itself (its revision also holds its rows)."""
    return (
        Version.objects.filter(
            revision_id=prepared.revision_id,
            content_type_id=prepared.content_type_id,
            object_id=str(prepared.object_id),
        )
        .select_related("revision__user")
        .first()
    )


@contextmanager
def in_place(prepared):
    """The prepared version in the database for the duration of the block, then gone:
    whatever the block reads sees the item as it will be once published."""
    with transaction.atomic():
        prepared.revision.revert(delete=True)
        try:
            yield
        finally:
            transaction.set_rollback(True)


def render_page(request, item, prepared, **view_kwargs):
    """The item's public page with its prepared changes in place (a rendered response).
    The item's own public view draws it, so the preview cannot drift from the page."""
    with in_place(prepared):
        item = type(item)._default_manager.get(pk=item.pk)  # as prepared: its address too
        request.prepared_change = prepared
        match = resolve(urlsplit(item.get_absolute_url()).path)
        response = match.func(request, *match.args, **{**match.kwargs, **view_kwargs})
        if hasattr(response, "render"):
            response.render()
    return response


# Keeping what a rolled-back save recorded ------------------------------------------------


def latest_revision_id():
    return Version.objects.order_by("-pk").values_list("revision_id", flat=True).first() or 0


def recorded_since(item, revision_id):
    """(what the save's revision says, unsaved copies of its versions): what the save
    just recorded, inside the transaction about to be rolled back; None if nothing."""
    version = (
        Version.objects.get_for_object(item)
        .filter(revision_id__gt=revision_id)
        .select_related("revision")
        .order_by("-pk")
        .first()
    )
    if version is None:
        return None
    return version.revision.get_comment(), [
        Version(
            content_type_id=version.content_type_id,
            object_id=version.object_id,
            db=version.db,
            format=version.format,
            serialized_data=version.serialized_data,
            object_repr=version.object_repr,
        )
        for version in Version.objects.filter(revision_id=version.revision_id)
    ]


def keep(item, versions, *, by, based_on, wants_review, comment):
    """Keep `versions` as the item's open prepared changes, replacing any earlier
    prepared version of it. Returns the PreparedChange."""
    with transaction.atomic():
        revision = Revision.objects.create(date_created=timezone.now(), user=by, comment=comment)
        for version in versions:
            version.revision = revision
        Version.objects.bulk_create(versions)
        keep_ids_taken(versions)
        prepared = PreparedChange.objects.open().for_item(
            item
        ).select_for_update().first() or PreparedChange(item=item, based_on=based_on)
        earlier = prepared.revision if prepared.pk else None
        prepared.revision = revision
        prepared.prepared_by = by
        prepared.prepared_at = revision.date_created
        prepared.wants_review = wants_review
        prepared.save()
        if earlier is not None:
            earlier.delete()  # its versions with it: the prepared changes are one version
    return prepared


def keep_ids_taken(versions):
    """A row the prepared changes add (a new quote, a new picture) was given its id by
    the rolled-back save, and publishing makes it with that id. PostgreSQL never hands
    out a sequence number twice, even after a rollback; SQLite's AUTOINCREMENT counter
    is rolled back with the transaction, so it is moved past those ids here, or another
    row could be given one of them first and be overwritten at publication."""
    if connection.vendor != "sqlite":
        return
    highest = {}
    for version in versions:
        model = version._model
        if model is None or not version.object_id.isdigit():
            continue
        if model._default_manager.filter(pk=version.object_id).exists():
            continue  # a row that exists keeps its own id
        table = model._meta.db_table
        highest[table] = max(highest.get(table, 0), int(version.object_id))
    with connection.cursor() as cursor:
        for table, top in highest.items():
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT %s, 0 "
                "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
                [table, table],
            )
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s AND seq < %s",
                [top, table, top],
            )
