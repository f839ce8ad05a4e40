"""Settings for bench/load.py's servers: the product's own, plus one bare view and
the `Server-Timing` of each answer (bench/load_timing.py).

The benchmark starts `releasegate serve` and the WSGI servers with
DJANGO_SETTINGS_MODULE=bench.load_settings, so the bare view runs behind exactly the
middleware, logging and database of the endpoints it is compared with. Production never
loads this module: the view exists only where the benchmark asks for it.
"""

from __future__ import annotations

from releasegate.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
# How long Django held each request, for the generator to report beside its own figures.
MIDDLEWARE = ["bench.load_timing.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405
