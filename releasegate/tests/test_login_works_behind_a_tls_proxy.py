"""Behind a reverse proxy that terminates TLS the browser says `Origin: https://…` while
ReleaseGate hears plain HTTP: with RELEASEGATE_PROXY_SSL_HEADER and the trusted origin
(or RELEASEGATE_PUBLIC_URL) a login goes through, and without them it is refused as
cross-site, as it was. Over a real socket to `releasegate serve`, the test acting as the
proxy."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from releasegate.tests.cli import environment, serving

HOST = "releasegate.example.org"
ORIGIN = f"https://{HOST}"
BASE = {
    "SECRET_KEY": "k" * 50,
    "RELEASEGATE_ALLOWED_HOSTS": f"{HOST},127.0.0.1,localhost",
    "JENKINS_URL": "http://127.0.0.1:9/",
    "JENKINS_USER": "u",
    "JENKINS_TOKEN": "t0k3n",
}
PASSWORD = "a-long-and-good-passphrase"


def add_user(data_dir: Path, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "releasegate", "user", "add", "zhangsan", "--password-stdin"]
    added = subprocess.run(
        command,
        input=PASSWORD + "\n",
        env=environment(env, data_dir),
        capture_output=True,
        text=True,
    )
    assert added.returncode == 0, added.stderr


def log_in_through_the_proxy(url: str) -> httpx.Response:
    """What a TLS-terminating proxy forwards: the public host, the browser's origin and
    the header saying the request was HTTPS."""
    proxied = {"Host": HOST, "X-Forwarded-Proto": "https"}
    with httpx.Client(base_url=url, headers=proxied, timeout=10) as client:
        page = client.get("accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token is not None, page.text[:500]
        # The browser, on HTTPS, sends back the cookie even though it is Secure-only
        # (httpx, on the proxy's plain-HTTP side, would not).
        cookie = f"csrftoken={page.cookies['csrftoken']}"
        return client.post(
            "accounts/login/",
            data={
                "username": "zhangsan",
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={"Origin": ORIGIN, "Referer": f"{ORIGIN}/accounts/login/", "Cookie": cookie},
        )


@pytest.mark.parametrize(
    "settings",
    [
        {
            "RELEASEGATE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
            "RELEASEGATE_TRUSTED_ORIGINS": ORIGIN,
        },
        {
            "RELEASEGATE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
            "RELEASEGATE_PUBLIC_URL": f"{ORIGIN}/",
        },
    ],
    ids=["trusted-origin", "public-url"],
)
def test_a_login_through_the_proxy_goes_through(tmp_path: Path, settings: dict[str, str]) -> None:
    env = {**BASE, **settings}
    with serving(env, tmp_path) as url:
        add_user(tmp_path, env)
        answer = log_in_through_the_proxy(url)

    assert answer.status_code == 302, answer.text[-600:]
    assert "sessionid" in answer.headers.get("set-cookie", "")
    assert "Secure" in answer.headers.get("set-cookie", "")


def test_without_the_settings_it_is_refused_as_cross_site(tmp_path: Path) -> None:
    with serving(BASE, tmp_path) as url:
        add_user(tmp_path, BASE)
        answer = log_in_through_the_proxy(url)

    assert answer.status_code == 403
