"""/progress/, /you-said-we-did/ and the open data at /data/.

The downloads have fixed addresses (e.g. /data/deliverables.csv) that people can
bookmark and scripts can fetch; any other name or format is "Page not found".
"""

from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("progress/", views.ProgressView.as_view(), name="index"),
    path("progress/<slug:slug>/", views.DeliverableDetailView.as_view(), name="deliverable"),
    path("you-said-we-did/", views.YouSaidWeDidListView.as_view(), name="you-said-we-did"),
    path(
        "you-said-we-did/<slug:slug>/",
        views.YouSaidWeDidDetailView.as_view(),
        name="you-said-we-did-detail",
    ),
    path("data/", views.OpenDataView.as_view(), name="data"),
    path("data/<slug:dataset>.<slug:fmt>", views.download, name="download"),
]
