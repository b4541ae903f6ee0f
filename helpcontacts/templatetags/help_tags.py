"""Help contacts for templates that other apps own: a priority page's "Need help now?"
box, and the council's contact on the pages that ask families to get in touch (another
format, the accessibility statement, the page after sending feedback). Template tags
rather than imports, so those apps need not know this one."""

from dataclasses import dataclass

from django import template

from helpcontacts.models import HelpContact

register = template.Library()


@dataclass(frozen=True)
class HelpFor:
    """A priority's shown contacts: those that can be reached, shown as help, and the
    names of those that cannot yet, for saying honestly who to ask."""

    reachable: list
    unreachable: list

    def __bool__(self):
        return bool(self.reachable or self.unreachable)


@register.simple_tag
def help_for(priority):
    """`{% help_for priority as help %}`: one query, however many contacts."""
    contacts = list(HelpContact.objects.for_priority(priority))
    return HelpFor(
        reachable=[contact for contact in contacts if contact.is_reachable],
        unreachable=[contact for contact in contacts if not contact.is_reachable],
    )


@register.simple_tag
def council_contact():
    """`{% council_contact as council %}`: the council's own main contact, or None."""
    return HelpContact.objects.council()


@dataclass(frozen=True)
class HelpGaps:
    """What families cannot use yet, for the admin home."""

    unreachable: list  # shown contacts with no phone, email or website
    no_council: bool  # no shown contact is the council's own main contact

    def __bool__(self):
        return bool(self.unreachable or self.no_council)


@register.simple_tag(takes_context=True)
def help_contacts_missing(context):
    """`{% help_contacts_missing as missing %}` on the admin home, for those who may see
    help contacts (nothing for anyone else)."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.has_perm("helpcontacts.view_helpcontact"):
        return HelpGaps(unreachable=[], no_council=False)
    return HelpGaps(
        unreachable=list(HelpContact.objects.unreachable().only("pk", "organisation")),
        no_council=not HelpContact.objects.active().filter(is_council=True).exists(),
    )
