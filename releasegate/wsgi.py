"""WSGI entry point for production servers (`waitress-serve releasegate.wsgi:application`,
gunicorn releasegate.wsgi).

Like `releasegate serve`, it refuses to start while the configuration has a problem: a
WSGI server imports this module and would otherwise serve with, say, a five-character
SECRET_KEY or a placeholder left in from the example.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "releasegate.settings")
application = get_wsgi_application()


def _refuse_on_problems() -> None:
    from django.conf import settings

    problems = settings.CONFIG.problems
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise ImproperlyConfigured(
            f"ReleaseGate will not start until these settings are fixed "
            f"(see docs/configuration.md; `releasegate check` lists them too):\n{listed}"
        )


_refuse_on_problems()
