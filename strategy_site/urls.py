from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from contentchecks import views as content_checks_views
from images import views as image_views
from images.views import serve_media
from news import urls as news_urls
from operations.health import healthz
from publishing import views as publishing_views
from publishing.views import preview
from search.views import search_view
from sharing.cards import social_card
from sharing.feeds import UpdatesFeed
from sharing.sitemaps import robots_txt, site_sitemaps, sitemap_xml
from strategy_site.views import HomeView

admin.site.site_header = f"{settings.SITE_NAME}: editing"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Content"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("priorities/", include("priorities.urls")),
    path("news/", include((news_urls.press_release_patterns, "news"))),
    path("decisions/", include((news_urls.decision_patterns, "decisions"))),
    path("feed/", UpdatesFeed(), name="feed"),
    path("feed/atom/", UpdatesFeed.atom(), name="feed-atom"),
    path("search/", search_view, name="search"),
    path("accessibility/", include("accessibility.urls")),
    path("get-help/", include("helpcontacts.urls")),
    path("glossary/", include("glossary.urls")),
    path("feedback/", include("feedback.urls")),
    # /alerts/ (subscribe, confirm, manage) and /privacy/.
    path("", include("alerts.urls")),
    # Easy Read pages sit beside the pages they pair with (e.g. /priorities/<slug>/easy-read/).
    path("", include("easyread.urls")),
    # /progress/, /you-said-we-did/ and the open data downloads.
    path("", include("progress.urls")),
    path("sitemap.xml", sitemap_xml, {"sitemaps": site_sitemaps()}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("preview/<str:token>/", preview, name="preview"),
    # Short links, their QR codes and the one-page handouts (see sharing/shortlinks.py).
    path("", include("sharing.urls")),
    # Link-preview images for pages without a photo (see sharing/cards.py).
    path("social-cards/<slug:kind>/<slug:slug>.png", social_card, name="social-card"),
    # django-markdownx's paths (its widget posts to these), behind our staff check.
    path("markdownx/markdownify/", publishing_views.markdown_preview, name="markdownx_markdownify"),
    path("markdownx/upload/", image_views.image_upload, name="markdownx_upload"),
    # The content checks beside the live preview: staff only, under /admin/ so it is
    # never cached, like the admin.
    path("admin/content-checks/", content_checks_views.check_text, name="content-checks"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Uploaded images, in development and production alike: image types only, with
    # nosniff and a sandboxing policy (see images.views.serve_media).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
]
