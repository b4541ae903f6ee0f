from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.subscribe_page, name="subscribe"),
    path("alerts/subscribe/", views.subscribe, name="subscribe-post"),
    path("alerts/check-your-email/", views.check_email, name="check-your-email"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/manage/", views.manage_link_page, name="manage-link"),
    path("alerts/manage/send/", views.send_manage, name="manage-link-post"),
    path("alerts/manage/<str:token>/", views.manage, name="manage"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("privacy/", TemplateView.as_view(template_name="privacy.html"), name="privacy"),
]
