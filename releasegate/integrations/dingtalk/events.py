"""`POST /dingtalk/events`: DingTalk's HTTP event push.

Order matters: the signature is checked on the raw query and ciphertext before anything
is decrypted, and nothing is stored unless all of it holds. Every refusal from the
signature on (stale, padding, owner key, a malformed event inside) is one answer, byte for
byte, with the reason only in the log: whoever holds the event token can sign any
ciphertext, and distinct answers would let them decrypt it block by block (a padding
oracle). DingTalk never sends a malformed event, so naming the field would help only an
attacker. A request malformed outside the signature (query, envelope) is a 400 naming what
is wrong. An unknown event is acknowledged. An
authenticated delivery is stored (releasegate.releases.inbox) and answered at once with
the encrypted "success" DingTalk requires within 2.5 s; asking DingTalk's API about the
approval happens after.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from releasegate.integrations.dingtalk.approvals import PROVIDER
from releasegate.integrations.dingtalk.crypto import EventCrypto, SignatureError, check_fresh
from releasegate.integrations.guard import public_endpoint
from releasegate.lib.storable import unstorable
from releasegate.lib.validation import first_problem
from releasegate.releases.inbox import record_delivery
from releasegate.releases.models import InboundEvent

logger = logging.getLogger("releasegate.dingtalk.events")

APPROVAL_EVENTS = ("bpms_instance_change", "bpms_task_change")


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")
    encrypt: str


def _error(status: int, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse({"error": message, **({"field": field} if field else {})}, status=status)


def _query(request: HttpRequest, *names: str) -> str:
    # The official samples accept both spellings (msg_signature/signature, timestamp/timeStamp).
    return next((request.GET[name] for name in names if request.GET.get(name)), "")


class _PushedEvent(BaseModel):
    """The decrypted event: the fields we act on, typed; the rest kept as sent. jiter
    parses it, so nesting is bounded and unpaired surrogates are refused as invalid JSON."""

    model_config = ConfigDict(extra="allow")
    event_type: str | None = Field(None, alias="EventType", max_length=64)
    instance_id: str | None = Field(None, alias="processInstanceId", max_length=128)
    event_id: str | None = Field(None, alias="eventId", max_length=128)
    biz_id: str | None = Field(None, alias="BizId", max_length=128)
    process_code: str | None = Field(None, alias="processCode", max_length=128)


class _Malformed(Exception):
    """A well-signed event that cannot be stored: the field and problem, for the log."""


@csrf_exempt
@public_endpoint
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
        return _error(400, f"malformed body: {where}: {problem}", where)
    crypto = EventCrypto(dingtalk.event_token, dingtalk.event_aes_key, owner_key=dingtalk.app_key)
    try:
        crypto.verify(signature, timestamp, nonce, envelope.encrypt)
        check_fresh(timestamp)
        _accept(crypto.decrypt(envelope.encrypt))
    except (SignatureError, _Malformed) as exc:
        logger.warning("refused an event push from %s: %s", _client(request), exc)
        return _error(403, "refused")
    return JsonResponse(crypto.reply())


def _accept(message: str) -> None:
    """Store an approval event, or acknowledge one with nothing to store; `_Malformed`
    when the event DingTalk signed cannot be read."""
    try:
        event = _PushedEvent.model_validate_json(message)
    except ValidationError as exc:
        where, problem = first_problem(exc, "event")
        raise _Malformed(f"malformed event: {where}: {problem}") from None
    event_type = event.event_type or ""
    if event_type == "check_url":
        return  # DingTalk checking the URL when the subscription is saved.
    if event_type not in APPROVAL_EVENTS:
        # Acknowledged so DingTalk does not retry forever; nothing here for releases.
        logger.info("ignored a %s event", event_type or "typeless")
        return
    payload = event.model_dump(by_alias=True, exclude_unset=True)
    unfit = unstorable(payload)
    if unfit:
        raise _Malformed(f"malformed event: {unfit[0]}: {unfit[1]}")
    # eventId identifies the delivery; older payloads only carry BizId (idempotent).
    delivery_id = event.event_id or event.biz_id or ""
    if _already_stored(delivery_id):
        return
    record_delivery(
        via="event",
        event_type=event_type,
        provider=PROVIDER,
        instance_id=event.instance_id or "",
        delivery_id=delivery_id,
        # Signed by DingTalk: the form it names is taken as said.
        form_code=event.process_code or "",
        payload=payload,
    )


def _already_stored(delivery_id: str) -> bool:
    """A delivery we hold already: DingTalk retrying after our answer was lost, or a
    captured push replayed inside the timestamp window. Acknowledged (a refusal would
    only make DingTalk retry and then list it as failed) and not stored a second time."""
    if not delivery_id:
        return False
    held = InboundEvent.objects.filter(provider=PROVIDER, via="event", delivery_id=delivery_id)
    if not held.exists():
        return False
    logger.info("event %s delivered again: acknowledged, not stored again", delivery_id)
    return True


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "?"))
