"""Every page links ReleaseGate's icon, an SVG served by ReleaseGate itself (no CDN)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_login_page_links_an_svg_icon_that_is_served(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()

    link = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page)
    assert link and link.group(1).startswith("/static/")
    icon = client.get(link.group(1))
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)  # type: ignore[attr-defined]
