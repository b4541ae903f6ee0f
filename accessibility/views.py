from django.views.generic import TemplateView

from .models import AccessibilityStatement, SiteSettings


class StatementView(TemplateView):
    template_name = "accessibility/statement.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statement=AccessibilityStatement.load(), contact=SiteSettings.load(), **kwargs
        )


class FormatsView(TemplateView):
    template_name = "accessibility/formats.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact=SiteSettings.load(), **kwargs)
