from django.urls import path

from . import views

app_name = "noticeboard"

urlpatterns = [
    path("<slug:slug>/", views.NoticeDetailView.as_view(), name="detail"),
]
