"""`/wecom/events`: WeCom's callback URL (设置API接收), reference feishu-wecom.md §B3.

`GET` is the URL check: the decrypted `echostr`, as a plain body, within WeCom's 1 s.
`POST` is an encrypted XML callback; a `sys_approval_change` is stored in the inbox and
answered at once (WeCom waits 5 s, then tries again, 3 times in all). The signature is
checked before anything is decrypted, the corp id sealed inside must be ours, and every
failure gets the same answer (the reason is in the log); nothing is stored unless all of
it holds.

WeCom's callback has no event id: a delivery is named by application, change and time
(`SpNoStr:StatuChangeEvent:CreateTime`, as WeCom suggests) and a digest of the change's
content, so its retries are stored once while two approvers approving in the same second
(the same three values, different records) are two deliveries. Reminders (催办,
5) and comments (添加备注, 10) change nothing about a release and are only acknowledged.
Callbacks are best effort ("not guaranteed"): the reconcile reads what they missed.
"""

from __future__ import annotations

import hashlib
import logging
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from releasegate.config import WeComSettings
from releasegate.integrations.guard import public_endpoint
from releasegate.integrations.wecom.approvals import PROVIDER
from releasegate.integrations.wecom.crypto import SignatureError, WeComCrypto
from releasegate.lib.storable import unstorable
from releasegate.releases.inbox import record_delivery
from releasegate.releases.models import InboundEvent

logger = logging.getLogger("releasegate.wecom.events")

APPROVAL_EVENT = "sys_approval_change"
# StatuChangeEvent values that decide nothing: 催办 (a reminder), 添加备注 (a comment).
_NOT_DECISIONS = frozenset({"5", "10"})


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _refused() -> HttpResponse:
    return _plain("refused", 403)


@csrf_exempt
@public_endpoint
@require_http_methods(["GET", "POST"])
def receive_event(request: HttpRequest) -> HttpResponse:
    wecom = settings.CONFIG.wecom
    if wecom is None or not wecom.callbacks:
        return _plain("WeCom callbacks are not configured here", 503)
    crypto = WeComCrypto(wecom.callback_token, wecom.callback_aes_key, wecom.corp_id)
    signature = request.GET.get("msg_signature", "")
    timestamp = request.GET.get("timestamp", "")
    nonce = request.GET.get("nonce", "")
    try:
        if request.method == "GET":
            return _plain(
                crypto.open_url_check(signature, timestamp, nonce, request.GET.get("echostr", ""))
            )
        event = crypto.open_callback(signature, timestamp, nonce, request.body)
    except SignatureError as exc:
        logger.warning(
            "refused a WeCom callback from %s: %s", request.META.get("REMOTE_ADDR", "?"), exc
        )
        return _refused()
    store(event, wecom)
    return _plain("success")


def store(event: Element, wecom: WeComSettings) -> str:
    """Store an approval change (committed when this returns); acknowledge the rest."""
    kind = event.findtext("Event") or event.findtext("MsgType") or ""
    if kind != APPROVAL_EVENT:
        logger.info("acknowledged a WeCom %s callback, nothing for releases", kind or "typeless")
        return "ignored"
    info = event.find("ApprovalInfo")
    if info is None:
        logger.warning("a WeCom approval change without ApprovalInfo: acknowledged")
        return "ignored"
    sp_no = (info.findtext("SpNoStr") or info.findtext("SpNo") or "").strip()
    change = (info.findtext("StatuChangeEvent") or "").strip()
    if change in _NOT_DECISIONS:
        logger.info("application %s: change %s decides nothing; acknowledged", sp_no, change)
        return "ignored"
    payload = {
        "sp_no": sp_no,
        "sp_status": (info.findtext("SpStatus") or "").strip(),
        "change": change,
        "template_id": (info.findtext("TemplateId") or "").strip(),
        "create_time": (event.findtext("CreateTime") or "").strip(),
        "applyer": ((info.find("Applyer") or Element("x")).findtext("UserId") or "").strip(),
    }
    if unstorable(payload):
        logger.warning("a WeCom approval change with unstorable text: acknowledged, not stored")
        return "ignored"
    content = hashlib.sha256(ElementTree.tostring(info, encoding="utf-8")).hexdigest()[:16]
    delivery_id = f"{sp_no[:64]}:{change[:4]}:{payload['create_time'][:12]}:{content}"
    if InboundEvent.objects.filter(provider=PROVIDER, delivery_id=delivery_id).exists():
        logger.info(
            "WeCom callback %s delivered again: acknowledged, not stored again", delivery_id
        )
        return "duplicate"
    with transaction.atomic():
        record_delivery(
            via="event",
            event_type=APPROVAL_EVENT,
            provider=PROVIDER,
            instance_id=sp_no,
            delivery_id=delivery_id,
            # Sealed for our corp: the template it names is taken as said.
            form_code=payload["template_id"],
            payload=payload,
        )
    return "stored"
