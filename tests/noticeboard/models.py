from django.db import models
from django.urls import reverse

from publishing.models import HasAddressHistory, SlugFromTitle


class Notice(SlugFromTitle, HasAddressHistory):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(help_text="A sentence or two, shown in lists and link previews.")
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_notice", "Can publish, unpublish and schedule notices")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("noticeboard:detail", kwargs={"slug": self.slug})
