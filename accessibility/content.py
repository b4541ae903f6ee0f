"""How the accessibility statement presents itself to the shared apps (the sitemap,
Easy Read): the content protocol of publishing/content.py. Imported by
AccessibilityConfig.ready()."""

from publishing import content

from .models import AccessibilityStatement


@content.register
class AccessibilityStatementContent(content.Content):
    model = AccessibilityStatement
    kind = "accessibility-statement"
    label = "Accessibility statement"
    easy_read = content.EasyReadPairing(
        "Accessibility statement",
        "accessibility/easy-read/",
        "accessibility-statement",
        by_slug=False,
    )

    def title(self, item):
        return str(item)


content.register_sections("accessibility:statement", "accessibility:formats")
