import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower


def split_forms(text):
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


class AvoidWord(models.Model):
    """A word or phrase the style guide asks writers to avoid, and what to do instead.

    The list starts with GOV.UK's "words to avoid"; editors add the council's own.
    """

    phrase = models.CharField(
        "word or phrase",
        max_length=60,
        help_text="As it is written, e.g. “going forward”. Found whatever its capitals.",
    )
    other_forms = models.TextField(
        "other forms to find",
        blank=True,
        help_text="Other ways it is written, one on each line, e.g. “delivers”, "
        "“delivered”, “delivering”. Only whole words are found.",
    )
    advice = models.CharField(
        "what to write instead",
        max_length=300,
        help_text="Shown to the writer, e.g. “Say what you will actually do.”",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "word to avoid"
        verbose_name_plural = "words to avoid"
        ordering = [Lower("phrase")]
        constraints = [
            models.UniqueConstraint(
                Lower("phrase"),
                name="avoid_word_unique",
                violation_error_message="This word is already on the list.",
            )
        ]

    def __str__(self):
        return self.phrase

    def clean(self):
        super().clean()
        self.phrase = " ".join(self.phrase.split())
        if not re.search(r"\w", self.phrase):
            raise ValidationError({"phrase": "Type a word or phrase."})

    @property
    def forms(self):
        return list(dict.fromkeys([self.phrase, *split_forms(self.other_forms)]))

    def pattern(self):
        """Any of its forms, as whole words, whatever the capitals and spacing."""
        alternatives = [
            r"\s+".join(re.escape(word) for word in form.split())
            for form in sorted(self.forms, key=len, reverse=True)
        ]
        return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])", re.IGNORECASE)
