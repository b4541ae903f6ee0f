from datetime import timedelta

import factory
from django.utils import timezone

from publishing.models import Status

from .models import Notice


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"Noticeboard notice number {n}")
    summary = "Parents' evening at the family hub, with the SEND team."
    body = "Come and talk to us about **transport** and short breaks."
    status = Status.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(hours=n + 1))
