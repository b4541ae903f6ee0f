from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from easyread.sitemaps import SITEMAPS as EASY_READ_SITEMAPS
from glossary.sitemaps import SITEMAPS as GLOSSARY_SITEMAPS
from news import urls as news_urls
from priorities.views import HomeView
from progress.sitemaps import SITEMAPS as PROGRESS_SITEMAPS
from strategy_site import editor_views
from strategy_site.feeds import UpdatesFeed
from strategy_site.health import healthz
from strategy_site.search_views import search_view
from strategy_site.security_views import serve_media
from strategy_site.sitemaps import SITEMAPS, robots_txt, sitemap_xml
from strategy_site.social_cards import social_card
from strategy_site.views import preview

ALL_SITEMAPS = {**SITEMAPS, **GLOSSARY_SITEMAPS, **EASY_READ_SITEMAPS, **PROGRESS_SITEMAPS}

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
    path("glossary/", include("glossary.urls")),
    path("feedback/", include("feedback.urls")),
    # Easy Read pages sit beside the pages they pair with (e.g. /priorities/<slug>/easy-read/).
    path("", include("easyread.urls")),
    # /progress/, /you-said-we-did/ and the open data downloads.
    path("", include("progress.urls")),
    path("sitemap.xml", sitemap_xml, {"sitemaps": ALL_SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("preview/<str:token>/", preview, name="preview"),
    # Link-preview images for pages without a photo (see social_cards.py).
    path("social-cards/<slug:kind>/<slug:slug>.png", social_card, name="social-card"),
    # django-markdownx's paths (its widget posts to these), behind our staff check.
    path("markdownx/markdownify/", editor_views.markdown_preview, name="markdownx_markdownify"),
    path("markdownx/upload/", editor_views.image_upload, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Uploaded images, in development and production alike: image types only, with
    # nosniff and a sandboxing policy (see security_views.serve_media).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media"),
]
