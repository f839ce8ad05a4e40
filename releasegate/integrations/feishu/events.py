"""`POST /feishu/events`: Feishu's event subscription (reference §A3).

In order, as lark-oapi's dispatcher does: decrypt (`{"encrypt": …}` with the Encrypt Key),
check the Verification Token in constant time, answer a `url_verification` challenge,
then (with an Encrypt Key) require a valid, fresh `X-Lark-Signature`. A `url_verification`
is the only thing accepted without a signature: whether Feishu signs that check is
UNCONFIRMED, and the SDK answers it before looking.

Every refusal (unsigned, forged, stale, undecryptable, wrong token, not Feishu's JSON)
gets the same answer, so a caller learns nothing from which check failed; the log keeps
the reason. Nothing is stored unless all checks hold.

A decision card's click (`card.action.trigger`, v2) is answered at once, with the card
as it now stands (card_actions.py).

An approval event (v1 `approval_instance`, `approval_task`) is stored in the inbox and
acknowledged at once: Feishu holds back an instance's later events until this one is
acknowledged, so an authenticated event is never answered with an error, and asking
Feishu's API about the approval happens after. Feishu delivers at least once, duplicates
even after an acknowledgement: one already held (by its `uuid`) is acknowledged and not
stored again.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from releasegate.config import FeishuSettings
from releasegate.integrations.feishu.approvals import PROVIDER, FeishuApprovals
from releasegate.integrations.feishu.card_actions import answer_click, is_card_action
from releasegate.integrations.feishu.crypto import (
    RefusedDelivery,
    decrypt,
    same_secret,
    verify_signature,
)
from releasegate.integrations.feishu.provider import shared_client
from releasegate.integrations.guard import public_endpoint
from releasegate.lib.storable import unstorable
from releasegate.releases.inbox import record_delivery
from releasegate.releases.models import InboundEvent

logger = logging.getLogger("releasegate.feishu.events")

APPROVAL_EVENTS = ("approval_instance", "approval_task")


def refused() -> JsonResponse:
    """The one answer to every delivery that does not authenticate."""
    return JsonResponse({"code": 401, "msg": "refused"}, status=401)


@csrf_exempt
@public_endpoint
@require_POST
def receive_event(request: HttpRequest) -> HttpResponse:
    feishu = settings.CONFIG.feishu
    if feishu is None or not feishu.event_push:
        return JsonResponse(
            {"code": 503, "msg": "Feishu events are not configured here"}, status=503
        )
    try:
        message = authenticated(request, feishu)
    except RefusedDelivery as exc:
        logger.warning(
            "refused a Feishu event from %s: %s", request.META.get("REMOTE_ADDR", "?"), exc
        )
        return refused()
    if message.get("type") == "url_verification":
        return JsonResponse({"challenge": str(message.get("challenge", ""))})
    return accept(message)


def authenticated(request: HttpRequest, feishu: FeishuSettings) -> dict[str, Any]:
    """The delivery's message once it authenticates; `RefusedDelivery` otherwise."""
    body = request.body
    envelope = _object(body, "the body")
    if feishu.encrypt_key:
        encrypted = envelope.get("encrypt")
        if not isinstance(encrypted, str):
            raise RefusedDelivery("not encrypted, but an Encrypt Key is configured")
        message = _object(decrypt(feishu.encrypt_key, encrypted), "the decrypted event")
    else:
        if "encrypt" in envelope:
            raise RefusedDelivery("encrypted, but no FEISHU_ENCRYPT_KEY is configured")
        message = envelope
    if not same_secret(_token(message), feishu.verification_token):
        raise RefusedDelivery("the verification token does not match")
    if feishu.encrypt_key and message.get("type") != "url_verification":
        verify_signature(
            request.META.get("HTTP_X_LARK_REQUEST_TIMESTAMP", ""),
            request.META.get("HTTP_X_LARK_REQUEST_NONCE", ""),
            feishu.encrypt_key,
            body,
            request.META.get("HTTP_X_LARK_SIGNATURE", ""),
        )
    return message


def _object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        found = json.loads(raw)
    except (ValueError, RecursionError):
        raise RefusedDelivery(f"{what} is not JSON") from None
    if not isinstance(found, dict):
        raise RefusedDelivery(f"{what} is not a JSON object")
    return found


def _token(message: dict[str, Any]) -> str:
    """v1 carries the token at the top, v2 in its header."""
    header = message.get("header")
    token = header.get("token") if isinstance(header, dict) else message.get("token")
    return token if isinstance(token, str) else ""


def accept(message: dict[str, Any]) -> HttpResponse:
    """Store an authenticated approval event (or acknowledge anything else); a decision
    card's click is answered with the card as it now stands."""
    if is_card_action(message):
        return JsonResponse(answer_card_action(message), json_dumps_params={"ensure_ascii": False})
    store_event(message, via="event")
    return JsonResponse({"msg": "success"})


def answer_card_action(message: dict[str, Any]) -> dict[str, Any]:
    """The answer to an authenticated card click (card_actions.py)."""
    config = settings.CONFIG
    feishu = config.feishu
    if feishu is None or not feishu.decision_cards:
        # A card from before the cards were turned off: it decides nothing any more.
        return {"toast": {"type": "info", "content": "卡片审批未开启，请在飞书审批中处理"}}
    approvals = FeishuApprovals(
        shared_client(config), feishu.approval_code, config.options.form, config.options.releases
    )
    return answer_click(message, approvals, timezone.now())


def store_event(message: dict[str, Any], *, via: str) -> str:
    """Store an authenticated approval event in the inbox (committed when this returns)
    and say what was done; anything else is only acknowledged. Raises the database's
    error when it cannot be stored (the delivery must then come again)."""
    event = message.get("event")
    if message.get("type") != "event_callback" or not isinstance(event, dict):
        header = message.get("header")
        kind = header.get("event_type") if isinstance(header, dict) else message.get("type")
        logger.info("acknowledged a Feishu %s event, nothing for releases", kind)
        return "ignored"
    event_type = _text(event.get("type"))
    if event_type not in APPROVAL_EVENTS:
        logger.info(
            "acknowledged a Feishu %s event, nothing for releases", event_type or "typeless"
        )
        return "ignored"
    unfit = unstorable(message)
    if unfit:
        # Feishu never sends this; an acknowledgement keeps its queue moving.
        logger.warning(
            "a Feishu event with unstorable text at %s: acknowledged, not stored", unfit[0]
        )
        return "ignored"
    delivery_id = _text(message.get("uuid"))
    if _already_stored(delivery_id):
        return "duplicate"
    with transaction.atomic():
        record_delivery(
            via=via,
            event_type=event_type,
            provider=PROVIDER,
            instance_id=_text(event.get("instance_code")),
            delivery_id=delivery_id,
            # Authenticated as Feishu's: the form it names is taken as said.
            form_code=_text(event.get("approval_code")),
            # The token is a secret: never stored.
            payload={key: value for key, value in message.items() if key != "token"},
        )
    return "stored"


def _text(value: object) -> str:
    return value[:128] if isinstance(value, str) else ""


def _already_stored(delivery_id: str) -> bool:
    if not delivery_id:
        return False
    held = InboundEvent.objects.filter(provider=PROVIDER, delivery_id=delivery_id).exists()
    if held:
        logger.info("Feishu event %s delivered again: acknowledged, not stored again", delivery_id)
    return held
