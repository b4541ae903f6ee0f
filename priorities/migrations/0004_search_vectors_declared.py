"""The search vectors of 0003, declared on the model (see priorities/search_vectors.py).

On PostgreSQL the columns, the GIN index and the trigger that fills them are there
already, so this changes only Django's record of the schema: no row is read or
written. On other databases (SQLite) it adds the columns, which stay empty, and a
plain index, so every database has the columns the model declares.
"""

import search.vectors
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("priorities", "0003_stored_search_vectors")]

    operations = [
        search.vectors.AlreadyOnPostgreSQL(
            operations=[
                migrations.AddField(
                    model_name="priority",
                    name="search_vector",
                    field=search.vectors.StoredSearchVectorField(),
                ),
                migrations.AddField(
                    model_name="priority",
                    name="search_heading",
                    field=search.vectors.StoredSearchVectorField(),
                ),
                migrations.AddIndex(
                    model_name="priority",
                    index=search.vectors.SearchVectorIndex(
                        fields=["search_vector"], name="priorities_priority_search_vector"
                    ),
                ),
            ]
        )
    ]
