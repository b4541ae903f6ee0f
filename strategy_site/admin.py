from django import forms
from django.db import models
from markdownx.admin import MarkdownxModelAdmin

from strategy_site.history_admin import HistoryAdmin


class ContentAdmin(HistoryAdmin, MarkdownxModelAdmin):
    """Admin defaults for every content type: Markdown fields get the live-preview
    editor, and a handful of priorities show as tick boxes rather than a
    multi-select that needs Ctrl-click."""

    formfield_overrides = {
        **MarkdownxModelAdmin.formfield_overrides,
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
        # A web address typed without http(s):// means https (Django 6's default).
        models.URLField: {"assume_scheme": "https"},
    }
    save_on_top = True
