from string import ascii_uppercase

from django.views.generic import ListView

from .models import OTHER_LETTER, GlossaryTerm


class GlossaryView(ListView):
    template_name = "glossary/index.html"
    context_object_name = "terms"

    def get_queryset(self):
        return GlossaryTerm.objects.shown()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        used = {term.letter for term in context["terms"]}
        letters = [*ascii_uppercase, OTHER_LETTER] if OTHER_LETTER in used else ascii_uppercase
        context["alphabet"] = [(letter, letter in used) for letter in letters]
        context["is_glossary_page"] = True  # its own terms are not linked to itself
        return context
