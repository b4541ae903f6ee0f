from django.urls import path

from . import views

app_name = "accessibility"

urlpatterns = [
    path("", views.StatementView.as_view(), name="statement"),
    path("alternative-formats/", views.FormatsView.as_view(), name="formats"),
]
