"""The site's own words, for "Did you mean ...?" on PostgreSQL (search/suggestions.py)."""

from django.contrib.postgres.indexes import GistIndex
from django.db import models

WORD_MAX_LENGTH = 60


class TrigramIndex(GistIndex):
    """A trigram GiST index on PostgreSQL (pg_trgm, search/migrations/0001): it finds the
    words nearest a misspelt one, nearest first. A plain index on other databases,
    which have neither (SQLite gives no suggestions)."""

    max_name_length = 63

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, using=using, **kwargs)


class Word(models.Model):
    """One word (lowercase letters) of what the public can find: the words of every
    searched kind's public items. Made again from them when they have changed
    (suggestions.refresh_words); never edited."""

    word = models.CharField(max_length=WORD_MAX_LENGTH, unique=True)

    class Meta:
        indexes = [
            TrigramIndex(fields=["word"], name="search_word_trigram", opclasses=["gist_trgm_ops"])
        ]

    def __str__(self):
        return self.word
