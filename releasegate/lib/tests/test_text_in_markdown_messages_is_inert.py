"""`releasegate.lib.markdown`: text from people and Jenkins in a Markdown message renders
as itself, and a link from elsewhere is kept only when it is http(s)."""

from __future__ import annotations

import pytest

from releasegate.lib.links import web_address
from releasegate.lib.markdown import markdown_code_block, markdown_link, markdown_text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("[点我](https://evil.example/p)", "［点我］(https：//evil.example/p)"),
        ("![](http://evil.example/t.png)", "!［］(http：//evil.example/t.png)"),
        ("<img src=x>", "＜img src=x>"),
        ("<https://evil.example>", "＜https：//evil.example>"),
        ("a\n### 已批准\r\n> quote", "a ### 已批准  > quote"),
        ("`code` \\[x\\]", "｀code｀ \\［x\\］"),
        ("撤销 (approval REVOKE) a > b", "撤销 (approval REVOKE) a > b"),
        ("feature_x-1.2 *ok*", "feature_x-1.2 *ok*"),
        (42, "42"),
    ],
)
def test_markdown_in_a_value_becomes_text(value: object, shown: str) -> None:
    assert markdown_text(value) == shown


def test_a_code_block_cannot_be_closed_from_inside() -> None:
    block = markdown_code_block("ok\n```\n[x](https://evil.example)")

    assert block == ["```", "ok", "｀｀｀", "［x］(https：//evil.example)", "```"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>",
        "dingtalk://dingtalkclient/page/link",
        "//evil.example/x",
        "https:///nohost",
        " https://jenkins.example/",
        "https://jenkins.example/\nx",
        "",
    ],
)
def test_only_http_addresses_are_links(url: str) -> None:
    assert web_address(url) is None
    assert markdown_link("#7", url) == "#7"


def test_an_http_link_is_kept_with_its_brackets_encoded() -> None:
    assert web_address("HTTPS://jenkins.example/job/a/7/") == "HTTPS://jenkins.example/job/a/7/"
    assert markdown_link("#7", "http://j.example/job/a(b)/7/") == (
        "[#7](http://j.example/job/a%28b%29/7/)"
    )
