"""The accessibility app's signposts (the "Need help now?" box) become help contacts,
each with the same id, words, web address, order, visibility and priorities. A
signpost's web address is its one way to reach it; one without is kept, and the admin
home lists it until an editor adds a phone, email or website.

Unapplied, the contacts go back to signposts (what a signpost cannot hold, a phone,
an email, opening hours, "the council's own", is lost) and are deleted here."""

from django.core.management.color import no_style
from django.db import migrations


def signposts_to_contacts(apps, schema_editor):
    Signpost = apps.get_model("accessibility", "Signpost")
    HelpContact = apps.get_model("helpcontacts", "HelpContact")
    db = schema_editor.connection.alias
    for signpost in Signpost.objects.using(db).order_by("pk"):
        contact = HelpContact.objects.using(db).create(
            pk=signpost.pk,
            organisation=signpost.title,
            helps_with=signpost.description,
            website=signpost.url,
            order=signpost.order,
            active=signpost.active,
            created_at=signpost.created_at,
        )
        contact.priorities.set(signpost.priorities.all())
        # auto_now would make it "updated" today; it was not.
        HelpContact.objects.using(db).filter(pk=contact.pk).update(updated_at=signpost.updated_at)
    reset_ids(schema_editor, HelpContact)


def contacts_to_signposts(apps, schema_editor):
    Signpost = apps.get_model("accessibility", "Signpost")
    HelpContact = apps.get_model("helpcontacts", "HelpContact")
    db = schema_editor.connection.alias
    for contact in HelpContact.objects.using(db).order_by("pk"):
        signpost = Signpost.objects.using(db).create(
            pk=contact.pk,
            title=contact.organisation,
            description=contact.helps_with,
            url=contact.website,
            order=contact.order,
            active=contact.active,
            created_at=contact.created_at,
        )
        signpost.priorities.set(contact.priorities.all())
        Signpost.objects.using(db).filter(pk=signpost.pk).update(updated_at=contact.updated_at)
    HelpContact.objects.using(db).all().delete()
    reset_ids(schema_editor, Signpost)


def reset_ids(schema_editor, model):
    """Rows made with explicit ids leave PostgreSQL's sequence behind them; the next row
    an editor adds would otherwise take an id already in use."""
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), [model])
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("helpcontacts", "0001_initial"),
        ("accessibility", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(signposts_to_contacts, contacts_to_signposts)]
