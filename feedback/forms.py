from django import forms

from .models import COMMENT_MAX_LENGTH, TITLE_MAX_LENGTH, PageFeedback

ANSWERS = {"yes": True, "no": False}


class PageFeedbackForm(forms.ModelForm):
    """The "Was this page useful?" form, as posted from the foot of any page.

    Field names are those the template posts. `website` is a honeypot: people never
    see it, so anything typed in it came from a program filling in every box.
    """

    useful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=ANSWERS.get,
        error_messages={
            "required": "Choose Yes or No to say whether the page was useful.",
            "invalid_choice": "Choose Yes or No to say whether the page was useful.",
        },
    )
    # Counted and cut here, not by the model: the title comes from the page, so a
    # visitor cannot fix one that is too long.
    page_title = forms.CharField(required=False, max_length=None)
    comment = forms.CharField(required=False, widget=forms.Textarea)
    website = forms.CharField(required=False, label="Leave this empty")

    class Meta:
        model = PageFeedback
        fields = ["page_path", "page_title", "useful", "comment"]
        error_messages = {
            "page_path": {
                "required": "We could not tell which page you were on.",
                "max_length": "We could not tell which page you were on.",
            }
        }

    def clean_page_title(self):
        return " ".join(self.cleaned_data["page_title"].split())[:TITLE_MAX_LENGTH]

    def clean_comment(self):
        # Browsers send each line break as \r\n but count it as one character when
        # typing; count (and store) it as one here too.
        comment = self.cleaned_data["comment"].replace("\r\n", "\n").replace("\r", "\n")
        if len(comment) > COMMENT_MAX_LENGTH:
            raise forms.ValidationError(
                f"Your comment must be {COMMENT_MAX_LENGTH:,} characters or fewer. "
                f"It has {len(comment):,} characters.",
                code="max_length",
            )
        return comment

    @property
    def is_from_a_program(self):
        """True when the honeypot was filled in: pretend it worked, keep nothing."""
        return bool(self.data.get("website", "").strip())
