"""The background work of email alerts, through Django's tasks API (the django-tasks
backport): the database queue by default, or Redis through RQ (TASKS_BACKEND).
Each task is safe to run twice: what it does is recorded under unique constraints."""

from django_tasks import task

from . import changes, sending


@task()
def announce(change_id):
    """At a change's moment: queue its emails (alerts/changes.py)."""
    return changes.announce(change_id)


@task()
def send(change_id=None, digest_id=None):
    """Send a change's or a digest's waiting emails (alerts/sending.py)."""
    return sending.send_waiting(change_id=change_id, digest_id=digest_id)
