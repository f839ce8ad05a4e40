"""`{{ url|web_address }}`: a link from Jenkins or a platform, or "" when it is not an
http(s) address (a `javascript:` build URL must not become a live link on a page)."""

from __future__ import annotations

from django import template

from releasegate.lib import links

register = template.Library()


@register.filter
def web_address(url: object) -> str:
    return (links.web_address(url) or "") if isinstance(url, str) else ""
