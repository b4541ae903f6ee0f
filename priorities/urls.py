from django.urls import path

from . import views

app_name = "priorities"

urlpatterns = [
    path("", views.PriorityListView.as_view(), name="index"),
    path("<slug:slug>/", views.PriorityDetailView.as_view(), name="detail"),
]
