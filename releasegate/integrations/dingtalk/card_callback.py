"""`POST /dingtalk/card`: DingTalk calling back when someone clicks a button on an
approval card (`callbackType: HTTP`, reference sections 9.5, 9.6, 9.9).

The signature comes first: `x-ddpaas-signature` is Base64(HMAC-SHA256(apiSecret,
timestamp)) over the timestamp alone (it does not cover the body), so the timestamp must
be fresh. Then the body is read strictly; of it only `outTrackId` (which card), `userId`
(who clicked, as DingTalk says) and the button are used: the task, the approval and the
approver are our own records of the card (`params` are not identity). The answer is the
card's new data, which DingTalk applies; it wants it within 2 s, and handling a click
is two API calls (re-read the approval, act on the task).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from releasegate.integrations.dingtalk.approvals import PROVIDER
from releasegate.integrations.dingtalk.crypto import SignatureError, verify_api_secret
from releasegate.integrations.guard import public_endpoint
from releasegate.lib.validation import first_problem
from releasegate.releases.approvals import registry
from releasegate.releases.cards import ClickAnswer, UnknownCard, clicked
from releasegate.releases.models import CardState

logger = logging.getLogger("releasegate.dingtalk.cards")

_DONE_FOR_ALL = {
    CardState.AGREED: "{user} 已在卡片中同意",
    CardState.REFUSED: "{user} 已在卡片中拒绝",
    CardState.CLOSED: "该审批任务已在别处处理或审批已结束",
}


class _Callback(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = Field(max_length=64)
    out_track_id: str = Field(alias="outTrackId", min_length=1, max_length=100)
    user_id: str = Field(alias="userId", min_length=1, max_length=128)
    content: str = Field(max_length=10_000)


class _Pressed(BaseModel):
    model_config = ConfigDict(extra="ignore")
    action_ids: list[str] = Field(default=[], alias="actionIds", max_length=10)
    params: dict[str, Any] = {}


class _Content(BaseModel):
    model_config = ConfigDict(extra="ignore")
    card_private_data: _Pressed = Field(alias="cardPrivateData")


def _problem(message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": message, **({"field": field} if field else {})}


def _error(status: int, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse(_problem(message, field), status=status)


@csrf_exempt
@public_endpoint
@require_POST
def card_callback(request: HttpRequest) -> JsonResponse:
    dingtalk = settings.CONFIG.dingtalk
    if dingtalk is None or not dingtalk.cards or dingtalk.card_callback != "http":
        return _error(503, "DingTalk approval cards do not call back over HTTP here")
    try:
        verify_api_secret(
            dingtalk.card_callback_secret,
            request.headers.get("x-ddpaas-signature-timestamp"),
            request.headers.get("x-ddpaas-signature"),
        )
    except SignatureError as exc:
        logger.warning("refused a card callback from %s: %s", request.META.get("REMOTE_ADDR"), exc)
        return _error(403, "refused")
    status, answer = answer_click(request.body)
    return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})


def answer_click(body: bytes | str) -> tuple[int, dict[str, Any]]:
    """Handle one authenticated click (its JSON, as DingTalk sends it over HTTP or as a
    Stream CALLBACK's data): the HTTP status and the card's new data, or the error."""
    try:
        callback = _Callback.model_validate_json(body)
        pressed = _Content.model_validate_json(callback.content).card_private_data
    except ValidationError as exc:
        where, problem = first_problem(exc, "body")
        return 400, _problem(f"malformed card callback: {where}: {problem}", where)
    action = str(pressed.params.get("decision") or next(iter(pressed.action_ids), ""))
    source = registry.sources().get(PROVIDER)
    if source is None:
        return 503, _problem("DingTalk is not enabled on this server")
    try:
        answer = clicked(source, callback.out_track_id, callback.user_id, action, timezone.now())
    except UnknownCard:
        return 404, _problem("no such card", "outTrackId")
    except ValueError as exc:
        return 400, _problem(str(exc), "content.cardPrivateData.params.decision")
    return 200, card_data(answer)


def card_click_over_stream(data: dict[str, Any]) -> dict[str, Any]:
    """A click that came over the app's Stream connection (authenticated by it): the
    card's new data; none when the click could not be handled (it is logged)."""
    status, answer = answer_click(json.dumps(data))
    if status != 200:
        logger.warning("card click over Stream not handled (%s): %s", status, answer)
        return {}
    return answer


def card_data(answer: ClickAnswer) -> dict[str, Any]:
    """The card's new data: what the clicker sees (private), and for everyone once the
    task is decided; `*ByKey` so every other value stays as it was."""
    private = {"status_text": answer.said}
    reply: dict[str, Any] = {
        "cardUpdateOptions": {"updateCardDataByKey": True, "updatePrivateDataByKey": True},
        "userPrivateData": {"cardParamMap": private},
    }
    card = answer.card
    if answer.for_clicker_only or card.state != CardState.PENDING:
        private["can_act"] = "false"
    shown = _DONE_FOR_ALL.get(CardState(card.state))
    if shown is not None and not answer.for_clicker_only:
        reply["cardData"] = {
            "cardParamMap": {"status_text": shown.format(user=card.approver_user_id)}
        }
    return reply
