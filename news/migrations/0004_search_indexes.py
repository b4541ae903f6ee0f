"""GIN indexes for site search on PostgreSQL (see search/engine.py).

Each index's expression is the weighted search vector the search filters on, written
out here as it was when the index was made; search.engine builds the same
expressions, and tests/test_search.py checks PostgreSQL uses the indexes. SQLite
cannot make GIN indexes (it searches without them), so on SQLite this does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def vector(**fields_by_weight):
    parts = [
        SearchVector(*fields, weight=weight, config="english")
        for weight, fields in fields_by_weight.items()
    ]
    combined = parts[0]
    for part in parts[1:]:
        combined = combined + part
    return combined


INDEXES = {
    "PressRelease": GinIndex(
        vector(A=["title"], B=["standfirst"], C=["body"]), name="news_pressrelease_search"
    ),
    "CabinetDecision": GinIndex(
        vector(A=["title"], B=["summary_for_families"], C=["reasons", "discussion"]),
        name="news_cabinetdecision_search",
    ),
    "Quote": GinIndex(vector(C=["text", "speaker"]), name="news_quote_search"),
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model_name, index in INDEXES.items():
            schema_editor.add_index(apps.get_model("news", model_name), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for model_name, index in INDEXES.items():
            schema_editor.remove_index(apps.get_model("news", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("news", "0003_photo_checks")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
