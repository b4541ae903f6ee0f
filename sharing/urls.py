"""Short links (/s/k7q2), their QR codes and the handouts (sharing/views.py)."""

from django.urls import path, re_path

from . import views

app_name = "sharing"

urlpatterns = [
    path("s/<str:code>", views.follow, name="short-link"),
    path("s/<str:code>/qr", views.follow, name="qr-follow"),
    # A short link is read out and typed: "/S/K7Q2" and a trailing slash find it too.
    re_path(r"^[sS]/(?P<code>[^/]+)/?$", views.follow),
    re_path(r"^[sS]/(?P<code>[^/]+)/[qQ][rR]/?$", views.follow),
    path("share/<str:code>/qr.svg", views.qr_image, {"extension": "svg"}, name="qr-svg"),
    path("share/<str:code>/qr.png", views.qr_image, {"extension": "png"}, name="qr-png"),
    path("share/<str:code>/handout/", views.handout, name="handout"),
    path("share/<str:code>/handout/a5/", views.handout, {"size": "a5"}, name="handout-a5"),
    path("share/<str:code>/handout.pdf", views.handout_pdf, name="handout-pdf"),
    path(
        "share/<str:code>/handout-a5.pdf", views.handout_pdf, {"size": "a5"}, name="handout-pdf-a5"
    ),
]
