"""Interactive cards (reference section 9): the callback registration, `createAndDeliver`
to one person's robot chat, and `PUT /v1.0/card/instances`, with the errors DingTalk
documents for them.

A card is what its template shows for the data it holds: public `cardParamMap` values,
and per-user private values that beat the public ones for that user ("私有数据"). Every
value is a string, as DingTalk requires. Which templates exist and are published is
simulator settings: the template itself is built in DingTalk's card platform, not
through an API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from releasegate.simulators.dingtalk.wire import ApiFailure, Request, v1_error

# "dtv1.card//IM_ROBOT.<userId>": a card in the robot's 1:1 chat with one person.
ROBOT_SPACE = "dtv1.card//IM_ROBOT."
MAX_OUT_TRACK_ID = 100
MAX_KEY_BYTES, MAX_VALUE_BYTES = 100, 1024


@dataclass
class Card:
    out_track_id: str
    template_id: str
    # The person whose robot chat holds the card.
    user_id: str
    callback_type: str
    route_key: str
    public: dict[str, str]
    private: dict[str, dict[str, str]]
    # What was done to it, newest last: created, updated, clicks and their answers.
    history: list[str] = field(default_factory=list)

    def seen_by(self, user_id: str) -> dict[str, str]:
        """What `user_id` sees: the public data with their private data over it."""
        return {**self.public, **self.private.get(user_id, {})}

    def as_json(self) -> dict[str, Any]:
        return {
            "outTrackId": self.out_track_id,
            "cardTemplateId": self.template_id,
            "userId": self.user_id,
            "callbackType": self.callback_type,
            "public": dict(self.public),
            "private": {user: dict(data) for user, data in self.private.items()},
            "history": list(self.history),
        }


@dataclass
class Callback:
    url: str
    api_secret: str


class Cards:
    """The app's cards and its callback registrations. Callers hold the world's lock."""

    def __init__(self, templates: tuple[str, ...]) -> None:
        self.templates = templates
        self.cards: dict[str, Card] = {}
        self.callbacks: dict[str, Callback] = {}

    def register(self, body: dict[str, Any]) -> dict[str, Any]:
        route_key = _text(body, "callbackRouteKey", "param.callbackRouteKeyEmpty")
        url = _text(body, "callbackUrl", "param.callbackUrlEmpty")
        known = self.callbacks.get(route_key)
        if known is None or body.get("forceUpdate") is True:
            known = Callback(url, str(body.get("apiSecret") or ""))
            self.callbacks[route_key] = known
        # forceUpdate false on a known key returns the stored registration (section 9.6).
        return {
            "success": True,
            "result": {"callbackUrl": known.url, "apiSecret": known.api_secret},
        }

    def create_and_deliver(self, body: dict[str, Any], known_user: Any) -> dict[str, Any]:
        out_track_id = _text(body, "outTrackId", "param.outTrackIdEmpty")
        template = _text(body, "cardTemplateId", "param.cardTemplateIdEmpty")
        if len(out_track_id) > MAX_OUT_TRACK_ID:
            raise _invalid("param.invalid", "outTrackId 超过 100 个字符")
        if template not in self.templates:
            raise _invalid("param.templateNotExist", "卡片模板不存在")
        user_id = _robot_space_user(body)
        if not known_user(user_id):
            raise _invalid("param.userIdNotExist", "用户不存在")
        if out_track_id in self.cards:
            # "一个 outTrackId 唯一标识一张卡片": a retry never makes a second card.
            raise _invalid("param.cardAlreadyExist", "卡片已存在")
        callback_type = str(body.get("callbackType") or "STREAM").upper()
        route_key = str(body.get("callbackRouteKey") or "")
        if callback_type == "HTTP" and route_key not in self.callbacks:
            raise _invalid("param.invalid", "callbackRouteKey 未注册")
        card = Card(
            out_track_id,
            template,
            user_id,
            callback_type,
            route_key,
            _param_map(body.get("cardData"), "cardData"),
            _private(body.get("privateData")),
        )
        card.history.append("created")
        self.cards[out_track_id] = card
        delivered = {"spaceType": "IM_ROBOT", "spaceId": user_id, "success": True, "errorMsg": ""}
        return {
            "success": True,
            "result": {"outTrackId": out_track_id, "deliverResults": [delivered]},
        }

    def update(self, body: dict[str, Any]) -> dict[str, Any]:
        out_track_id = _text(body, "outTrackId", "param.outTrackIdEmpty")
        card = self.cards.get(out_track_id)
        if card is None:
            raise _invalid("param.cardNotExist", "卡片不存在")
        if not body.get("cardData") and not body.get("privateData"):
            raise _invalid("param.cardDataAndPrivateDataBothEmpty", "卡片数据为空")
        options = body.get("cardUpdateOptions") or {}
        public = _param_map(body.get("cardData"), "cardData") if body.get("cardData") else None
        private = _private(body.get("privateData"))
        apply(card, public, private, options if isinstance(options, dict) else {})
        card.history.append("updated")
        return {"success": True, "result": True}


def apply(
    card: Card,
    public: dict[str, str] | None,
    private: dict[str, dict[str, str]],
    options: dict[str, Any],
) -> None:
    """New data on a card: merged key by key when `cardUpdateOptions` says so, otherwise
    replacing what was there (the update API's default)."""
    if public is not None:
        card.public = (
            {**card.public, **public} if options.get("updateCardDataByKey") is True else public
        )
    by_key = options.get("updatePrivateDataByKey") is True
    for user_id, data in private.items():
        card.private[user_id] = {**card.private.get(user_id, {}), **data} if by_key else data


def request_body(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        raise _invalid("param.invalid", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise _invalid("param.invalid", "the body must be a JSON object")
    return body


def _robot_space_user(body: dict[str, Any]) -> str:
    space = str(body.get("openSpaceId") or "")
    if not space:
        raise _invalid("param.openSpaceIdEmpty", "openSpaceId 为空")
    if not space.startswith(ROBOT_SPACE) or len(space) == len(ROBOT_SPACE):
        raise _invalid("param.openSpaceIdInvalid", "openSpaceId 无效")
    deliver = body.get("imRobotOpenDeliverModel")
    if not isinstance(deliver, dict) or deliver.get("spaceType") != "IM_ROBOT":
        raise _invalid("param.openDeliverModelEmpty", "imRobotOpenDeliverModel 为空")
    return space[len(ROBOT_SPACE) :]


def _param_map(data: Any, where: str) -> dict[str, str]:
    """A `cardParamMap`: string keys and string values within DingTalk's sizes."""
    values = data.get("cardParamMap") if isinstance(data, dict) else None
    if not isinstance(values, dict):
        raise _invalid("param.invalid", f"{where}.cardParamMap must be an object")
    for key, value in values.items():
        if not isinstance(value, str):
            raise _invalid("param.invalid", f"{where}.cardParamMap.{key} must be a string")
        if len(key.encode()) > MAX_KEY_BYTES or len(value.encode()) > MAX_VALUE_BYTES:
            raise _invalid("param.invalid", f"{where}.cardParamMap.{key} is too long")
    return dict(values)


def _private(data: Any) -> dict[str, dict[str, str]]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _invalid("param.invalid", "privateData must be an object")
    return {str(user): _param_map(value, f"privateData.{user}") for user, value in data.items()}


def _text(body: dict[str, Any], name: str, code: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise _invalid(code, f"{name} 为空")
    return value


def _invalid(code: str, message: str) -> ApiFailure:
    return ApiFailure(v1_error(400, code, message))
