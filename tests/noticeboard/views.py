from django.views.generic import DetailView

from publishing.views import PublishedDetailMixin

from .models import Notice


class NoticeDetailView(PublishedDetailMixin, DetailView):
    model = Notice
