"""Easy Read pages sit beside the pages they pair with: the standard page's
address plus "easy-read/". Included after the priorities, news and decisions
sections, whose own patterns never match these longer addresses."""

from django.urls import path

from .models import PAGE_TYPES_BY_KEY
from .views import EasyReadView

app_name = "easyread"


def easy_read_view(app_label, model_name):
    return EasyReadView.as_view(page_type=PAGE_TYPES_BY_KEY[(app_label, model_name)])


urlpatterns = [
    path(
        "priorities/<slug:slug>/easy-read/",
        easy_read_view("priorities", "priority"),
        name="priority",
    ),
    path(
        "news/<slug:slug>/easy-read/",
        easy_read_view("news", "pressrelease"),
        name="press-release",
    ),
    path(
        "decisions/<slug:slug>/easy-read/",
        easy_read_view("news", "cabinetdecision"),
        name="decision",
    ),
    path(
        "accessibility/easy-read/",
        easy_read_view("accessibility", "accessibilitystatement"),
        name="accessibility-statement",
    ),
]
