"""Easy Read versions in the shared apps: the content protocol of publishing/content.py.
Imported by EasyReadConfig.ready()."""

from django.db.models import Q

from publishing import content

from .models import EasyReadPoint, EasyReadVersion, page_types
from .sitemaps import SITEMAPS


@content.register
class EasyReadContent(content.Content):
    """An Easy Read version has the address of its standard page plus "easy-read/".

    Site search finds it as a result of its own, labelled Easy Read, by its title,
    introduction and points: people who read Easy Read can go straight to it."""

    model = EasyReadVersion
    kind = "easy-read"
    label = "Easy Read version"
    short_link = True
    search = content.SearchDocument(
        title=("title",),
        summary=("intro",),
        body=(),
        related=content.RelatedText(EasyReadPoint, "version", "points", ("text",)),
        # Undated among the results, as a companion of its standard page: of equal rank,
        # the dated news and decisions come first, whatever day it was published.
        dated=False,
        # Its address is its standard page's plus "easy-read/": the pages come along.
        shown=("title", "content_type", "object_id"),
        prefetch=("page",),
        stored_vectors=True,  # easyread/search_vectors.py
    )

    def published(self):
        """Published versions whose standard page the public can see too (the Easy Read
        page is 404 otherwise)."""
        public_page = Q(pk__in=[])
        for page_type in page_types():
            model = page_type.model
            public_page |= Q(
                content_type__app_label=model._meta.app_label,
                content_type__model=model._meta.model_name,
                object_id__in=page_type.public_pages().order_by().values("pk"),
            )
        return EasyReadVersion.objects.published().filter(public_page)

    def summary(self, item):
        return item.intro


content.register_sitemaps(SITEMAPS)
