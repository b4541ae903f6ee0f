"""Pages read the glossary terms from the cache; a change to a term empties it, so the
next page shows the change."""

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from .marking import forget_terms
from .models import GlossaryTerm


@receiver(post_save, sender=GlossaryTerm, dispatch_uid="glossary_saved")
@receiver(post_delete, sender=GlossaryTerm, dispatch_uid="glossary_deleted")
def term_changed(sender, **kwargs):
    forget_terms()


@receiver(post_migrate, dispatch_uid="glossary_migrated")
def database_rebuilt(sender, **kwargs):
    # A flush or a migration may remove terms without a delete signal per row.
    forget_terms()
