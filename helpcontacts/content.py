"""The "Get help" page's place in the shared apps (the sitemap's first section): the
content protocol of publishing/content.py. Imported by HelpContactsConfig.ready().
Contacts have no page of their own: they are listed on the "Get help" page and shown in
the priorities' help boxes."""

from publishing import content

content.register_sections("helpcontacts:index")
# A page of its own to share: its link-preview card, short address and QR code.
content.register_page(
    "get-help",
    "helpcontacts:index",
    lambda context: content.CardText("Get help", "Who families can contact for help with SEND"),
)
