from django.db import migrations

# PostgreSQL only, as 0013 and for the same reasons (not declared on the model: an index
# there is made on every database).
# - The messages sent to a person (the approvals page) are the ones whose recipient list
#   contains their id: JSON containment, answered by this index instead of a walk
#   through every message until enough of theirs are found.
# - The releases list's application filter matches part of a name, case aside
#   (`icontains`, which Django writes `UPPER(name::text) LIKE UPPER(…)`): a trigram index
#   on that same expression answers it instead of a read of every release. SQLite reads
#   the list's own index for both (0012); each is a no-op there.
CREATE = (
    "CREATE INDEX IF NOT EXISTS notification_recipients ON releases_notification "
    "USING gin (recipients jsonb_path_ops)",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS release_application_trigrams ON releases_release "
    "USING gin ((UPPER(application_name::text)) gin_trgm_ops)",
)
DROP = (
    "DROP INDEX IF EXISTS notification_recipients",
    "DROP INDEX IF EXISTS release_application_trigrams",
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('releases', '0015_insights'),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
