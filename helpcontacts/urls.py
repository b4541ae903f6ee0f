from django.urls import path

from . import views

app_name = "helpcontacts"

urlpatterns = [path("", views.GetHelpView.as_view(), name="index")]
