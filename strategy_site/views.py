"""Site-wide views: the home page and the admin lockout page."""

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.views.generic import TemplateView

from news.models import CabinetDecision, PressRelease
from operations.signin import is_locked_everywhere
from priorities.models import Strategy

# How many of the newest press releases and decisions the home page lists.
LATEST_COUNT = 3


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        strategy = Strategy.objects.current()
        return super().get_context_data(
            strategy=strategy,
            priorities=strategy.priorities.all() if strategy else [],
            latest_news=PressRelease.objects.published()[:LATEST_COUNT],
            latest_decisions=CabinetDecision.objects.published()[:LATEST_COUNT],
            **kwargs,
        )


def cool_off_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def admin_lockout(request, original_response=None, credentials=None):
    """What the admin login says once a username is locked (settings.AXES_LOCKOUT_CALLABLE).

    429 Too Many Requests, on the admin's own layout, saying which lock it is and what
    to do, rather than a bare line of text. It speaks of "this username", never of an
    account: a username with no account is locked just the same, and the page must not
    tell an attacker which usernames are real.
    """
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in locked",
        "everywhere": is_locked_everywhere(request, credentials),
        "cool_off_minutes": cool_off_minutes(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "account_failure_limit": settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT,
    }
    return TemplateResponse(request, "axes/lockout.html", context, status=429).render()
