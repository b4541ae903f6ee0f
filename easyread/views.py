from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView

from publishing.models import SlugRecord
from publishing.views import moved_permanently

from .models import EasyReadPoint, EasyReadVersion


class EasyReadView(DetailView):
    """The Easy Read version of a standard page, at the standard page's address
    plus "easy-read/".

    As on the standard pages, the public sees only what is published (the Easy
    Read version and its standard page); staff also see drafts, with the draft
    banner, never cached. If the standard page was renamed, the old address
    answers 301 to the new one.
    """

    page_type = None  # an easyread.models.PageType, given in urls.py
    template_name = "easyread/easyreadversion_detail.html"
    context_object_name = "easy_read"

    @property
    def shows_drafts(self):
        return self.request.user.is_staff

    def get_page(self):
        manager = self.page_type.model._default_manager
        if not self.page_type.by_slug:
            return manager.first()  # a single page, such as the accessibility statement
        public_only = self.page_is_publishable and not self.shows_drafts
        pages = manager.published() if public_only else manager.all()
        return pages.filter(slug=self.kwargs["slug"]).first()

    @property
    def page_is_publishable(self):
        return hasattr(self.page_type.model._default_manager, "published")

    def get_object(self, queryset=None):
        page = self.get_page()
        if page is None:
            raise Http404("No such page")
        versions = EasyReadVersion.objects.for_page(page)
        if not self.shows_drafts:
            versions = versions.published()
        version = get_object_or_404(
            versions.prefetch_related(
                Prefetch("points", queryset=EasyReadPoint.objects.select_related("image"))
            )
        )
        version.page = page  # already loaded: no second query for it
        return version

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            renamed = self.renamed_page()
            if renamed is None:
                raise
            return moved_permanently(request, self.page_type.easy_read_url(renamed))

    def renamed_page(self):
        """The published page that had this address before a rename, if any."""
        if not (self.page_type.by_slug and self.page_is_publishable):
            return None
        model = self.page_type.model
        record = SlugRecord.objects.for_model(model).filter(slug=self.kwargs["slug"]).first()
        if record is None:
            return None
        page = model._default_manager.published().filter(pk=record.object_id).first()
        return page if page is not None and page.slug != self.kwargs["slug"] else None

    def get_context_data(self, **kwargs):
        version = self.object
        section_url_name, section_label = version.page_type.section or (None, None)
        return super().get_context_data(
            page=version.page,
            section_url_name=section_url_name,
            section_label=section_label,
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        page = self.object.page
        if not self.object.is_published or not getattr(page, "is_published", True):
            add_never_cache_headers(response)
        return response
