"""Editors and publishers work on the implementation plan as on news and decisions.

Editor: writes drafts of deliverables, progress updates and “You said, we did”
entries (with their milestones and evidence links) and submits them for review.
Publisher: also publishes, unpublishes, schedules and deletes them.
"""

from django.db import migrations

from publishing.roles import grant

ROLES = {
    "progress.deliverable": ("add change view", "add change delete view publish"),
    "progress.progressupdate": ("add change view", "add change delete view publish"),
    "progress.yousaidwedid": ("add change view", "add change delete view publish"),
    "progress.milestone": ("add change delete view", "add change delete view"),
    "progress.evidencelink": ("add change delete view", "add change delete view"),
    "progress.statuschange": ("view", "view"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [grant(ROLES, every_app=True)]
