from django.conf import settings


def site(request):
    """Names every template needs for the header, footer and <title>."""
    return {
        "site_name": settings.SITE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
    }
