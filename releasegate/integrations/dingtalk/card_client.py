"""DingTalk's interactive-card API (reference sections 9.3-9.7): registering where card
clicks call back, delivering one card to one person's robot chat, and updating a card.
Permission `Card.Instance.Write`; the robot's 1:1 chat needs the app's robot capability.
Part of the app's client (`DingTalkClient` is a `CardCalls`), so cards share its access
token, timeouts, retries and redaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from releasegate.integrations.dingtalk import errors
from releasegate.integrations.dingtalk.parsing import validated
from releasegate.integrations.dingtalk.raw import RawCardAnswer, RawCardDelivered
from releasegate.integrations.dingtalk.session import DingTalkSession

# "dtv1.card//IM_ROBOT.<userId>": the robot's 1:1 chat with one person (section 9.4).
ROBOT_SPACE = "dtv1.card//IM_ROBOT."
# The card's values are strings only, each at most 1 KB (section 9.4).
MAX_VALUE_BYTES = 1024
CardParams = Mapping[str, str]


class CardCalls(DingTalkSession):
    """The card operations of one DingTalk app."""

    def register_card_callback(self, route_key: str, url: str, api_secret: str) -> None:
        """Send clicks on cards made with `route_key` to `url`, signed with `api_secret`
        (forceUpdate: this app's registration is ours to replace)."""
        body = {
            "callbackRouteKey": route_key,
            "callbackUrl": url,
            "apiSecret": api_secret,
            "forceUpdate": True,
        }
        what = f"the card callback registration {route_key}"
        response = self._v1("POST", "v1.0/card/callbacks/register", what, json=body)
        _succeeded(validated(RawCardAnswer, response, what).success, what)

    def deliver_card(
        self,
        template_id: str,
        out_track_id: str,
        user_id: str,
        route_key: str,
        public: CardParams,
        private: CardParams,
        preview: str,
    ) -> bool:
        """Create the card and put it in `user_id`'s robot chat, with `private` values
        only they see; its clicks call back over HTTP under `route_key`, or over Stream
        when it is "". Returns False when a card of this `out_track_id` already exists
        (a retry: DingTalk never makes a second card of one id). Raises `MessageRejected`
        when DingTalk accepted the call but did not deliver it."""
        body: dict[str, Any] = {
            "cardTemplateId": template_id,
            "outTrackId": out_track_id,
            # HTTP with the registered route key, or STREAM without one (section 9.4).
            "callbackType": "HTTP" if route_key else "STREAM",
            "cardData": {"cardParamMap": _fitted(public)},
            "privateData": {user_id: {"cardParamMap": _fitted(private)}},
            "openSpaceId": f"{ROBOT_SPACE}{user_id}",
            # Not forwardable: a card is its approver's (reference section 9.9).
            "imRobotOpenSpaceModel": {
                "supportForward": False,
                "lastMessageI18n": {"ZH_CN": preview[:100]},
            },
            "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT"},
            "userIdType": 1,
        }
        if route_key:
            body["callbackRouteKey"] = route_key
        what = f"card {out_track_id}"
        try:
            response = self._v1("POST", "v1.0/card/instances/createAndDeliver", what, json=body)
        except errors.InvalidRequest as exc:
            if exc.code == "param.cardAlreadyExist":
                return False
            raise
        answer = validated(RawCardDelivered, response, what)
        _succeeded(answer.success, what)
        refused = [d for d in answer.result.deliver_results if str(d.success).lower() != "true"]
        if refused or not answer.result.deliver_results:
            # DingTalk's example shows a delivery's errorMsg inside a 200 (section 9.4).
            said = refused[0].error_msg if refused else "no delivery result"
            raise errors.MessageRejected(f"DingTalk did not deliver {what}: {said}")
        return True

    def update_card(
        self, out_track_id: str, public: CardParams, private: Mapping[str, CardParams]
    ) -> None:
        """Change the card's values key by key: `public` for everyone, `private` per user."""
        body = {
            "outTrackId": out_track_id,
            "cardData": {"cardParamMap": _fitted(public)},
            "privateData": {
                user: {"cardParamMap": _fitted(data)} for user, data in private.items()
            },
            "cardUpdateOptions": {"updateCardDataByKey": True, "updatePrivateDataByKey": True},
            "userIdType": 1,
        }
        what = f"the update of card {out_track_id}"
        response = self._v1("PUT", "v1.0/card/instances", what, json=body)
        _succeeded(validated(RawCardAnswer, response, what).success, what)


def fitted_value(value: str) -> str:
    """`value` cut to DingTalk's 1 KB per card value, on a character boundary."""
    encoded = value.encode()
    if len(encoded) <= MAX_VALUE_BYTES:
        return value
    return encoded[: MAX_VALUE_BYTES - 3].decode(errors="ignore") + "…"


def _fitted(values: CardParams) -> dict[str, str]:
    return {key: fitted_value(value) for key, value in values.items()}


def _succeeded(success: bool | str | None, what: str) -> None:
    if str(success).lower() != "true":
        raise errors.UnexpectedResponse(f"{what}: DingTalk answered success={success}")
