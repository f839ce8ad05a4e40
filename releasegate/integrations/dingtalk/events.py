"""`POST /dingtalk/events`: DingTalk's HTTP event push.

Order matters: the signature is checked on the raw query and ciphertext before anything
is decrypted, and nothing is stored unless all of it holds. An authenticated delivery is
stored (releasegate.releases.inbox) and answered at once with the encrypted "success"
DingTalk requires within 2.5 s; asking DingTalk's API about the approval happens after.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import BaseModel, ConfigDict, ValidationError

from releasegate.integrations.dingtalk.crypto import EventCrypto, SignatureError
from releasegate.lib.validation import first_problem
from releasegate.releases.inbox import record_delivery

logger = logging.getLogger("releasegate.dingtalk.events")

APPROVAL_EVENTS = ("bpms_instance_change", "bpms_task_change")


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")
    encrypt: str


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _query(request: HttpRequest, *names: str) -> str:
    # The official samples accept both spellings (msg_signature/signature, timestamp/timeStamp).
    return next((request.GET[name] for name in names if request.GET.get(name)), "")


@csrf_exempt
@require_POST
def receive_event(request: HttpRequest) -> JsonResponse:
    dingtalk = settings.CONFIG.dingtalk
    if dingtalk is None or not dingtalk.event_push:
        return _error(503, "DingTalk event push is not configured on this server")
    signature = _query(request, "msg_signature", "signature")
    timestamp = _query(request, "timestamp", "timeStamp")
    nonce = _query(request, "nonce")
    missing = [
        n
        for n, v in (("msg_signature", signature), ("timestamp", timestamp), ("nonce", nonce))
        if not v
    ]
    if missing:
        return _error(400, f"missing query parameter: {', '.join(missing)}")
    try:
        envelope = _Envelope.model_validate_json(request.body)
    except ValidationError as exc:
        where, problem = first_problem(exc, "body")
        return _error(400, f"malformed body: {where}: {problem}")
    crypto = EventCrypto(dingtalk.event_token, dingtalk.event_aes_key, owner_key=dingtalk.app_key)
    try:
        event = crypto.open(
            signature=signature, timestamp=timestamp, nonce=nonce, encrypt=envelope.encrypt
        )
    except SignatureError as exc:
        logger.warning("refused an event push from %s: %s", _client(request), exc)
        return _error(403, f"refused: {exc}")
    _accept(event)
    return JsonResponse(crypto.reply())


def _accept(event: dict[str, object]) -> None:
    event_type = str(event.get("EventType") or "")
    if event_type == "check_url":
        return  # DingTalk checking the URL when the subscription is saved.
    if event_type not in APPROVAL_EVENTS:
        # Acknowledged so DingTalk does not retry forever; nothing here for releases.
        logger.info("ignored a %s event", event_type or "typeless")
        return
    record_delivery(
        via="event",
        event_type=event_type,
        instance_id=str(event.get("processInstanceId") or ""),
        # eventId identifies the delivery; older payloads only carry BizId (idempotent).
        delivery_id=str(event.get("eventId") or event.get("BizId") or ""),
        payload=json.loads(json.dumps(event, default=str)),
    )


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "?"))
