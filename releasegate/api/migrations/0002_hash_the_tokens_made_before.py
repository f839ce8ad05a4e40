"""The tokens Django REST framework's authtoken app kept in clear (table `authtoken_token`,
from before ReleaseGate stored only digests) become ApiToken rows holding their SHA-256,
and the clear keys are deleted. Clients keep their keys: the same key authenticates.

The authtoken app is no longer installed, so its table is read with SQL, and only where it
exists (a database made after this change never had it). Not reversible: the keys are gone.
"""

import hashlib
from datetime import timezone

from django.db import migrations
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"


def hash_the_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("api", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        token = ApiToken.objects.create(
            user_id=user_id, digest=hashlib.sha256(key.encode()).hexdigest(), prefix=key[:6]
        )
        # auto_now_add set `created` to now; the token's age is worth keeping.
        ApiToken.objects.filter(pk=token.pk).update(created=_aware(created))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OLD_TABLE}")


def _aware(created):
    """SQLite hands back text in UTC without an offset; PostgreSQL an aware datetime."""
    if isinstance(created, str):
        created = parse_datetime(created)
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return created


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_tokens")]

    operations = [migrations.RunPython(hash_the_tokens, migrations.RunPython.noop)]
