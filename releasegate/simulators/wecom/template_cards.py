"""Template cards (模板卡片消息) in `message/send`, checked as WeCom checks them: 发送应用消息
(path/90236, 2025-09-24, 文本通知型) for the fields, 全局错误码 (path/90313) for the codes.

The text notice (`text_notice`, the card ReleaseGate sends) is checked field by field:
- `card_type` one of the five kinds, else 42031;
- `card_action` (required for a text notice) with `type` 1 (a URL) or 2 (a mini program),
  else 42045; its `url` for type 1 (42028), its `appid` for type 2 (42030);
- `main_title.title` or `sub_title_text` ("不可本字段和sub_title_text都不填"): WeCom names no
  code for this; 42033 ("缺失 Title") is the reading chosen (UNCONFIRMED);
- `horizontal_content_list` at most 6 (42035), each with `keyname` (42027) and what its
  `type` needs: 1 a url (42028), 2 a media_id (42029), 3 a userid (42050);
- `jump_list` at most 3 (42042), each with `title` (42033) and a url (type 1, 42028) or
  an appid (type 2, 42030); `quote_area` likewise by its type (the doc's "必填", with the
  same codes: reading chosen);
- `task_id` of digits, letters and `_-@`, at most 128 bytes, required with an
  `action_menu` (42014); the doc says one app never reuses a task id: a reused one is
  42014 too (reading chosen, UNCONFIRMED); `action_menu` keys unique (42051);
- every url at most 1024 bytes (40039) and with its scheme (45034), as for other messages.

The other kinds are taken when their `card_type` is known and checked no further (nobody
sends them here). The doc's lengths ("建议不超过36个字") are advice, not limits: a longer
text is taken, and noted in the message's `advice` so tests can see what was too long.
"""

from __future__ import annotations

import re
from typing import Any

from releasegate.simulators.wecom.wire import ApiFailure, error

CARD_TYPES = frozenset(
    {"text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction"}
)
# Kinds whose answer carries a response_code (always, or with an action_menu).
_ANSWERED = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})
URL_TOO_LONG = 40039
INVALID_TASK_ID = 42014
KEYNAME_MISSING = 42027
URL_MISSING = 42028
MEDIA_ID_MISSING = 42029
APPID_MISSING = 42030
INVALID_CARD_TYPE = 42031
TITLE_MISSING = 42033
HORIZONTAL_LENGTH = 42035
JUMP_LIST_LENGTH = 42042
CARD_ACTION_INVALID = 42045
USERID_MISSING = 42050
MENU_KEY_CONFLICT = 42051
NO_SCHEME = 45034
_TASK_ID = re.compile(r"[0-9A-Za-z_\-@]{1,128}")
# The doc's advice, in characters (字).
ADVICE = {
    "source.desc": 20,
    "main_title.title": 36,
    "main_title.desc": 44,
    "emphasis_content.title": 14,
    "emphasis_content.desc": 22,
    "sub_title_text": 160,
    "horizontal_content_list.keyname": 5,
    "horizontal_content_list.value": 30,
    "jump_list.title": 18,
}


def _refuse(code: int, message: str) -> ApiFailure:
    return ApiFailure(error(code, f"Template_Card: {message}"))


def check(card: dict[str, Any], used_task_ids: set[str]) -> list[str]:
    """Refuse a card WeCom would refuse (raises ApiFailure); else the fields longer than
    the doc advises, as "field: N > M"."""
    kind = card.get("card_type")
    if kind not in CARD_TYPES:
        raise _refuse(INVALID_CARD_TYPE, f"card_type {str(kind)[:40]!r} is invalid")
    _task_id(card, used_task_ids)
    if kind != "text_notice":
        return []
    title = _part(card, "main_title").get("title")
    if not title and not card.get("sub_title_text"):
        raise _refuse(TITLE_MISSING, "main_title.title and sub_title_text are both empty")
    _card_action(card.get("card_action"))
    _linked(_part(card, "quote_area"), "quote_area")
    _horizontal(card.get("horizontal_content_list", []))
    _jumps(card.get("jump_list", []))
    _menu(card.get("action_menu"))
    return _advice(card)


def answers_with_response_code(card: dict[str, Any]) -> bool:
    """Whether WeCom's answer carries a response_code (发送应用消息, 返回参数)."""
    return card.get("card_type") in _ANSWERED or bool(card.get("action_menu"))


def _part(card: dict[str, Any], name: str) -> dict[str, Any]:
    part = card.get(name)
    return part if isinstance(part, dict) else {}


def _task_id(card: dict[str, Any], used: set[str]) -> None:
    task_id = card.get("task_id")
    if task_id is None:
        if card.get("action_menu"):
            raise _refuse(INVALID_TASK_ID, "task_id is required with action_menu")
        return
    if not isinstance(task_id, str) or not _TASK_ID.fullmatch(task_id):
        raise _refuse(INVALID_TASK_ID, "task_id is invalid")
    if task_id in used:
        raise _refuse(INVALID_TASK_ID, f"task_id {task_id!r} was used before")


def _card_action(action: Any) -> None:
    if not isinstance(action, dict) or action.get("type") not in (1, 2):
        raise _refuse(CARD_ACTION_INVALID, "card_action is missing or invalid")
    _linked(action, "card_action")


def _linked(part: dict[str, Any], where: str) -> None:
    """What a link's `type` needs: 1 a url, 2 a mini program's appid."""
    kind = part.get("type")
    if kind == 1:
        _url(part.get("url"), where)
    elif kind == 2 and not part.get("appid"):
        raise _refuse(APPID_MISSING, f"{where}.appid is missing")


def _url(url: Any, where: str) -> None:
    if not isinstance(url, str) or not url:
        raise _refuse(URL_MISSING, f"{where}.url is missing")
    if len(url.encode()) > 1024:
        raise ApiFailure(error(URL_TOO_LONG, "invalid url size"))
    if not url.startswith(("http://", "https://")):
        raise ApiFailure(error(NO_SCHEME, "url must start with http:// or https://"))


def _horizontal(items: Any) -> None:
    if not isinstance(items, list) or len(items) > 6:
        raise _refuse(HORIZONTAL_LENGTH, "horizontal_content_list length is invalid")
    needs = {2: ("media_id", MEDIA_ID_MISSING), 3: ("userid", USERID_MISSING)}
    for item in items:
        if not isinstance(item, dict) or not item.get("keyname"):
            raise _refuse(KEYNAME_MISSING, "horizontal_content_list.keyname is missing")
        kind = item.get("type")
        if kind == 1:
            _url(item.get("url"), "horizontal_content_list")
        elif kind in needs and not item.get(needs[kind][0]):
            field, code = needs[kind]
            raise _refuse(code, f"horizontal_content_list.{field} is missing")


def _jumps(items: Any) -> None:
    if not isinstance(items, list) or len(items) > 3:
        raise _refuse(JUMP_LIST_LENGTH, "jump_list length is invalid")
    for item in items:
        if not isinstance(item, dict) or not item.get("title"):
            raise _refuse(TITLE_MISSING, "jump_list.title is missing")
        _linked(item, "jump_list")


def _menu(menu: Any) -> None:
    if not isinstance(menu, dict):
        return
    keys = [a.get("key") for a in menu.get("action_list") or [] if isinstance(a, dict)]
    if len(keys) != len(set(keys)):
        raise _refuse(MENU_KEY_CONFLICT, "action_menu.action_list.key conflict")


def _advice(card: dict[str, Any]) -> list[str]:
    texts: list[tuple[str, Any]] = [
        ("source.desc", _part(card, "source").get("desc")),
        ("main_title.title", _part(card, "main_title").get("title")),
        ("main_title.desc", _part(card, "main_title").get("desc")),
        ("emphasis_content.title", _part(card, "emphasis_content").get("title")),
        ("emphasis_content.desc", _part(card, "emphasis_content").get("desc")),
        ("sub_title_text", card.get("sub_title_text")),
    ]
    for item in card.get("horizontal_content_list") or []:
        texts += [
            ("horizontal_content_list.keyname", item.get("keyname")),
            ("horizontal_content_list.value", item.get("value")),
        ]
    texts += [("jump_list.title", item.get("title")) for item in card.get("jump_list") or []]
    return [
        f"{field}: {len(text)} > {ADVICE[field]}"
        for field, text in texts
        if isinstance(text, str) and len(text) > ADVICE[field]
    ]


def opens(card: dict[str, Any]) -> str:
    """Where tapping the card takes its reader: card_action's url ("" for a mini
    program)."""
    action = _part(card, "card_action")
    return str(action.get("url") or "") if action.get("type") == 1 else ""
