# ReleaseGate's image: the web server with its worker thread by default (`releasegate
# serve`); the same image runs `releasegate worker`, `releasegate stream` and
# `releasegate migrate` (see docs/production.md and deploy/kubernetes/).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    RELEASEGATE_DATA_DIR=/data \
    PATH=/app/.venv/bin:$PATH

RUN pip install --no-cache-dir uv==0.13.9 \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin releasegate \
    && mkdir -p /app /data && chown releasegate:releasegate /app /data

WORKDIR /app
USER releasegate

# The locked dependencies first, so a code change does not reinstall them.
COPY --chown=releasegate:releasegate pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project --no-cache

COPY --chown=releasegate:releasegate manage.py ./
COPY --chown=releasegate:releasegate releasegate ./releasegate
RUN uv sync --frozen --no-dev --no-cache

EXPOSE 8000
# /data holds the SQLite database when DATABASE_URL is not set (one replica only).
VOLUME ["/data"]
CMD ["releasegate", "serve", "--host", "0.0.0.0", "--port", "8000"]
