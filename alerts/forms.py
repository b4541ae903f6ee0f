from django import forms

from priorities.models import Priority

from .models import Frequency, What

WHAT_ERROR = "Choose what you want emails about."
HOW_OFTEN_ERROR = "Choose how often you want emails."
EMAIL_ERROR = "Enter an email address in the correct format, like name@example.com"


def what_choices():
    """Everything, each priority, then news, decisions and progress: one list of radios."""
    priorities = Priority.objects.order_by("number").only("pk", "number", "short_title")
    return [
        (What.EVERYTHING.value, What.EVERYTHING.label),
        *[(f"priority-{p.pk}", str(p)) for p in priorities],
        (What.NEWS.value, "News (press releases)"),
        (What.DECISIONS.value, "Decisions (cabinet decisions)"),
        (What.PROGRESS.value, "Progress updates"),
    ]


class HoneypotForm(forms.Form):
    """`website` is never seen by people: anything in it came from a program."""

    website = forms.CharField(required=False, label="Leave this empty")

    @property
    def is_from_a_program(self):
        return bool(self.data.get("website", "").strip())


class SubscribeForm(HoneypotForm):
    what = forms.ChoiceField(
        label="What do you want emails about?",
        widget=forms.RadioSelect,
        error_messages={"required": WHAT_ERROR, "invalid_choice": WHAT_ERROR},
    )
    how_often = forms.ChoiceField(
        label="How often?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": HOW_OFTEN_ERROR, "invalid_choice": HOW_OFTEN_ERROR},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter your email address", "invalid": EMAIL_ERROR},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = what_choices()

    def offers(self, value):
        """Whether `value` is one of the "what" radios' values, as the "Get emails about
        this" links write it (`?about=news`, `?about=priority-3`)."""
        return value in {choice for choice, _ in self.fields["what"].choices}

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def chosen(self):
        """(what, priority id or None) from the radio's value."""
        value = self.cleaned_data["what"]
        if value.startswith("priority-"):
            return What.PRIORITY, int(value.removeprefix("priority-"))
        return value, None


class ManageLinkForm(HoneypotForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter your email address", "invalid": EMAIL_ERROR},
    )
