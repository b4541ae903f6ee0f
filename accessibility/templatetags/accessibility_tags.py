from django import template

from accessibility.models import Signpost

register = template.Library()


@register.simple_tag
def signposts_for(priority):
    """`{% signposts_for priority as signposts %}`: one query, however many signposts."""
    return list(Signpost.objects.for_priority(priority))
