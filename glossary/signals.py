"""Pages read the glossary terms from the cache; a change to a term refreshes it, so
the next page shows the change without a visitor's request going to the database."""

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from .marking import forget_terms, refresh_terms
from .models import GlossaryTerm


@receiver(post_save, sender=GlossaryTerm, dispatch_uid="glossary_saved")
@receiver(post_delete, sender=GlossaryTerm, dispatch_uid="glossary_deleted")
def term_changed(sender, **kwargs):
    refresh_terms()


@receiver(post_migrate, dispatch_uid="glossary_migrated")
def database_rebuilt(sender, **kwargs):
    # A flush or a migration may remove terms without a delete signal per row; the
    # table may not exist yet, so the next page reads them.
    forget_terms()
