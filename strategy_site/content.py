"""The home page's link-preview card (the strategy's title and years), registered
with the content protocol's pages (publishing/content.py)."""

from django.conf import settings

from priorities.models import Strategy
from publishing import content


def home_card(context):
    strategy = context.get("strategy") if context is not None else Strategy.objects.current()
    if strategy is None:
        return content.CardText(settings.SITE_NAME, settings.ORGANISATION_NAME)
    period = f"Strategy for {strategy.start_year} to {strategy.end_year}"
    return content.CardText(strategy.title, period)


content.register_page("home", "home", home_card)
