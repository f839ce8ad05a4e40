from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releasegate.releases"
    verbose_name = _("Releases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from releasegate.lib.http import refuse_calls_in_transactions

        # Fetch first, then one short transaction: the HTTP seam checks every call. The
        # test settings make such a call fail; in production it is logged as an error.
        refuse_calls_in_transactions(
            in_transaction, refuse=getattr(settings, "REFUSE_CALLS_IN_TRANSACTIONS", False)
        )


def in_transaction() -> bool:
    """Whether this thread holds a database transaction it opened itself."""
    return any(_holds(connection) for connection in connections.all(initialized_only=True))


def _holds(connection: BaseDatabaseWrapper) -> bool:
    # A test case wraps each test in atomic blocks of its own (marked `_from_testcase`,
    # as Django's durable check reads them): those are the test's, not the code's.
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
