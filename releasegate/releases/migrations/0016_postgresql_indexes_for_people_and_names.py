import sys

from django.db import DatabaseError, migrations, transaction

# PostgreSQL only, as 0013 and for the same reasons (not declared on the model: an index
# there is made on every database).
# - The messages sent to a person (the approvals page) are the ones whose recipient list
#   contains their id: JSON containment, answered by this index instead of a walk
#   through every message until enough of theirs are found.
# - The releases list's application filter matches part of a name, case aside
#   (`icontains`, which Django writes `UPPER(name::text) LIKE UPPER(…)`): a trigram index
#   on that same expression answers it instead of a read of every release. It needs the
#   pg_trgm extension: where the database's user may not create it (a managed server
#   without the right; pg_trgm is a trusted extension since PostgreSQL 13, so the CREATE
#   privilege on the database is enough), the index is left out and said so: the filter
#   still works, reading every release. SQLite reads the list's own index for both (0012);
#   each is a no-op there.
RECIPIENTS = (
    "CREATE INDEX IF NOT EXISTS notification_recipients ON releases_notification "
    "USING gin (recipients jsonb_path_ops)"
)
TRIGRAMS = (
    "CREATE INDEX IF NOT EXISTS release_application_trigrams ON releases_release "
    "USING gin ((UPPER(application_name::text)) gin_trgm_ops)"
)
DROP = (
    "DROP INDEX IF EXISTS notification_recipients",
    "DROP INDEX IF EXISTS release_application_trigrams",
)
SKIPPED = (
    "  pg_trgm could not be created ({error}); the releases list's application filter "
    "goes without its index. To add it later, as a superuser: CREATE EXTENSION pg_trgm; "
    "then: {index};\n"
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(RECIPIENTS)
    if _trigrams_available(schema_editor):
        schema_editor.execute(TRIGRAMS)


def _trigrams_available(schema_editor):
    """Whether pg_trgm is (or could be made) available, in a savepoint: a refusal must
    not abort the migration's transaction."""
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        sys.stdout.write(SKIPPED.format(error=str(error).splitlines()[0], index=TRIGRAMS))
        return False
    return True


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
