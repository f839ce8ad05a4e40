from django.db import migrations

# PostgreSQL only: the releases list's person filter asks for releases a person asked for
# (originator) or approved (JSON containment on the approver list); these two indexes
# answer it, combined by the planner, instead of a read of every release (100,000
# releases, a person in none of them: 130 ms before). SQLite cannot use either for that
# filter (it matches the list as text) and reads the list's own index instead (0012).
# Not declared on the model: an index there is made on every database.
CREATE = (
    "CREATE INDEX IF NOT EXISTS release_originator ON releases_release (originator_user_id)",
    "CREATE INDEX IF NOT EXISTS release_approvers ON releases_release "
    "USING gin (approver_user_ids jsonb_path_ops)",
)
DROP = (
    "DROP INDEX IF EXISTS release_originator",
    "DROP INDEX IF EXISTS release_approvers",
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
        ('releases', '0012_dashboard_pages_read_an_index'),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
