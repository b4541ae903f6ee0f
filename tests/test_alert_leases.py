"""A worker's lease on the emails it took: nobody else sends them while it lasts, and
the worker itself stops sending well before it ends, however slow the mail server.
(The real-process version, workers killed mid-send, is tests/test_alert_workers.py.)"""

from collections import Counter
from datetime import timedelta

import time_machine
from django.core.mail import get_connection
from django.utils import timezone

from alerts.changes import announce
from alerts.emails import alert_email
from alerts.models import Change, Delivery, Frequency, Subscriber, Subscription, What
from alerts.sending import claim, deliver, send_waiting
from tests.factories import PressReleaseFactory

LEASE = 60


def test_a_worker_slower_than_its_lease_gives_back_the_rest_so_nobody_gets_one_twice(
    db, smtp, settings
):
    settings.ALERTS_CHUNK = 5
    settings.ALERTS_LEASE_SECONDS = LEASE
    now = timezone.now()
    for n in range(5):
        person = Subscriber.objects.create(email=f"person{n}@example.org", confirmed_at=now)
        Subscription.objects.create(
            subscriber=person, what=What.NEWS, frequency=Frequency.IMMEDIATELY, confirmed_at=now
        )
    PressReleaseFactory(title="Slow mail server")
    change = Change.objects.get()
    assert announce(change.pk)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        batch = claim(Delivery.objects.filter(change=change), 5)
        lease_end = timezone.now() + timedelta(seconds=LEASE)
        other_worker = []

        def slow(delivery):
            """Each email takes 20 seconds. Once the lease is over, a second worker
            (send_alerts' task) takes whatever it may, in the middle of this chunk."""
            clock.shift(timedelta(seconds=20))
            if timezone.now() > lease_end and not other_worker:
                other_worker.append(send_waiting(change_id=change.pk))
            return alert_email(change, delivery.subscriber)

        first = deliver(batch, get_connection(), slow)
        clock.shift(timedelta(seconds=LEASE))
        second = send_waiting(change_id=change.pk)

    assert Counter(m.recipients[0] for m in smtp.messages) == Counter(
        f"person{n}@example.org" for n in range(5)
    ), "everyone once, nobody twice"
    assert 0 < first < 5, "the slow worker stopped part way, with half its lease left"
    assert not other_worker, "it stopped before anyone else could take its emails"
    assert first + second == 5
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}
