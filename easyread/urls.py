"""Easy Read pages sit beside the pages they pair with: the standard page's
address plus "easy-read/" (each kind's `easy_read` pairing, publishing/content.py,
gives its route). Included after the content apps' own sections, whose patterns
never match these longer addresses."""

from django.urls import path

from publishing import content

from .models import page_types_by_key
from .views import EasyReadView

app_name = "easyread"


def easy_read_view(model):
    key = (model._meta.app_label, model._meta.model_name)
    return EasyReadView.as_view(page_type=page_types_by_key()[key])


urlpatterns = [
    path(kind.easy_read.path, easy_read_view(kind.model), name=kind.easy_read.url_name)
    for kind in content.kinds()
    if kind.easy_read is not None
]
