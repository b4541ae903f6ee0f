from django.utils.cache import add_never_cache_headers


class StaffCanSeeDraftsMixin:
    """Staff can open a draft or scheduled item at its real address; the public gets 404.

    The page then says clearly that it is not published, and is never cached,
    so a draft cannot leak through a shared cache.
    """

    def get_queryset(self):
        manager = self.model._default_manager
        if self.request.user.is_staff:
            return manager.all()
        return manager.published()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_published:
            add_never_cache_headers(response)
        return response
