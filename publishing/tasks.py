"""The review queue's emails, sent in the background through Django's tasks API (the
same queue as email alerts), so no save waits for, or fails with, the mail server."""

from django_tasks import task

from . import reviews


@task()
def email_review(review_id, event):
    """Email the Publishers of an item submitted for review, or the Editor of an item
    sent back (publishing/reviews.py). Safe to run twice: an email that went is not
    sent again."""
    return reviews.send_review_emails(review_id, event)
