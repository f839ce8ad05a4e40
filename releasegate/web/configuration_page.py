"""The admin's "effective configuration" page: what this process runs with, for staff,
secrets masked (see `releasegate.config.effective`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from releasegate.config.effective import environment_settings, file_settings
from releasegate.lib.redact import redact


def effective_configuration(request: HttpRequest) -> TemplateResponse:
    config = settings.CONFIG
    context = {
        **admin.site.each_context(request),
        "title": "Effective configuration",
        "environment": environment_settings(config),
        "options": file_settings(config),
        "config_path": config.config_path,
        "problems": [redact(str(problem)) for problem in config.problems],
    }
    return TemplateResponse(request, "admin/releasegate/configuration.html", context)


# Staff only: the admin's own login check wraps the page.
page = admin.site.admin_view(effective_configuration)
# The admin's home page links here (the template adds one module below the apps).
admin.site.index_template = "admin/releasegate/index.html"
