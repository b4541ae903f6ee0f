"""A GIN index for site search on PostgreSQL (see search/engine.py).

The index's expression is the weighted search vector the search filters on, written
out here as it was when the index was made; tests/test_search.py checks PostgreSQL
uses it. SQLite cannot make GIN indexes, so on SQLite this does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(
    SearchVector("short_title", weight="A", config="english")
    + SearchVector("pledge", weight="B", config="english")
    + SearchVector("body", weight="C", config="english"),
    name="priorities_priority_search",
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("priorities", "Priority"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("priorities", "Priority"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("priorities", "0001_initial")]

    operations = [migrations.RunPython(add_index, remove_index)]
