"""The search vectors of 0005-0008, declared on the models (see news/search_vectors.py).

On PostgreSQL the columns, their GIN indexes and the triggers that fill them are
there already, so this changes only Django's record of the schema: no row is read or
written. On other databases (SQLite) it adds the columns, which stay empty, and plain
indexes on them, so every database has the columns the models declare.
"""

import search.vectors
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("news", "0008_search_heading_stored_inline")]

    operations = [
        search.vectors.AlreadyOnPostgreSQL(
            operations=[
                migrations.AddField(
                    model_name="pressrelease",
                    name="search_vector",
                    field=search.vectors.StoredSearchVectorField(),
                ),
                migrations.AddField(
                    model_name="pressrelease",
                    name="search_heading",
                    field=search.vectors.StoredSearchVectorField(),
                ),
                migrations.AddField(
                    model_name="quote",
                    name="search_vector",
                    field=search.vectors.StoredSearchVectorField(),
                ),
                migrations.AddField(
                    model_name="cabinetdecision",
                    name="search_vector",
                    field=search.vectors.StoredSearchVectorField(),
                ),
                migrations.AddField(
                    model_name="cabinetdecision",
                    name="search_heading",
                    field=search.vectors.StoredSearchVectorField(),
                ),
                migrations.AddIndex(
                    model_name="pressrelease",
                    index=search.vectors.SearchVectorIndex(
                        fields=["search_vector"], name="news_pressrelease_search_vector"
                    ),
                ),
                migrations.AddIndex(
                    model_name="pressrelease",
                    index=search.vectors.SearchVectorIndex(
                        fields=["search_heading"], name="news_pressrelease_search_heading"
                    ),
                ),
                migrations.AddIndex(
                    model_name="quote",
                    index=search.vectors.SearchVectorIndex(
                        fields=["search_vector"], name="news_quote_search_vector"
                    ),
                ),
                migrations.AddIndex(
                    model_name="cabinetdecision",
                    index=search.vectors.SearchVectorIndex(
                        fields=["search_vector"], name="news_cabinetdecision_search_vector"
                    ),
                ),
                migrations.AddIndex(
                    model_name="cabinetdecision",
                    index=search.vectors.SearchVectorIndex(
                        fields=["search_heading"], name="news_cabinetdecision_search_heading"
                    ),
                ),
            ]
        )
    ]
