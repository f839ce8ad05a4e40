"""Feishu's long connection: events arrive as protobuf frames on a connection we open,
are stored, and only then acknowledged; a split event is put together first; a refused
app ends the client; a dropped connection is opened again, also when it drops while an
event is being stored (its acknowledgement cannot be sent: Feishu sends it again)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from django.db import connections

from releasegate.integrations.feishu.errors import CredentialsRejected
from releasegate.integrations.feishu.stream import store_pushed
from releasegate.integrations.feishu.tests.ws_peer import APP_ID, APP_SECRET, FeishuPeer
from releasegate.integrations.feishu.ws_client import LongConnection, LongConnectionOptions
from releasegate.lib.http import Timeouts
from releasegate.releases.models import InboundEvent
from releasegate.tests.waiting import eventually

FAST = LongConnectionOptions(silence_seconds=30, backoff_initial=0.02, backoff_max=0.2)
EVENT = {
    "uuid": "evt-1",
    "token": "",
    "ts": "1700000000.1",
    "type": "event_callback",
    "event": {
        "type": "approval_instance",
        "approval_code": "APPROVAL",
        "instance_code": "INST-1",
        "status": "APPROVED",
    },
}


class Running:
    def __init__(self, client: LongConnection) -> None:
        self.client, self.error = client, None
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.client.run()
        except BaseException as exc:  # kept for the test to look at
            self.error = exc  # type: ignore[assignment]
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.client.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()


@pytest.fixture
def peer() -> Iterator[FeishuPeer]:
    found = FeishuPeer().start()
    yield found
    found.stop()


@pytest.fixture
def run() -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def start(
        peer: FeishuPeer, handler: Callable[[bytes], bool] = store_pushed, **kw: object
    ) -> Running:
        client = LongConnection(
            app_id=str(kw.get("app_id", APP_ID)),
            app_secret=APP_SECRET,
            handler=handler,
            api_base=peer.url,
            options=FAST,
            timeouts=Timeouts.uniform(5),
        )
        started.append(Running(client))
        return started[-1]

    yield start
    for running in started:
        if running.thread.is_alive():
            running.stop()


@pytest.mark.django_db(transaction=True)
def test_an_event_is_stored_before_it_is_acknowledged(
    peer: FeishuPeer, run: Callable[..., Running]
) -> None:
    run(peer)
    eventually(lambda: peer.connections)

    peer.push(EVENT)
    frame, answer = peer.ack()

    assert answer == {"code": 200}
    assert frame.header("message_id") == "m1" and frame.header("biz_rt").isdigit()
    stored = InboundEvent.objects.get()
    assert (stored.provider, stored.via, stored.instance_id, stored.delivery_id) == (
        "feishu",
        "stream",
        "INST-1",
        "evt-1",
    )


@pytest.mark.django_db(transaction=True)
def test_a_split_event_is_put_together(peer: FeishuPeer, run: Callable[..., Running]) -> None:
    run(peer)
    eventually(lambda: peer.connections)

    peer.push(EVENT, message_id="big", parts=3)
    _, answer = peer.ack()

    assert answer == {"code": 200}
    assert InboundEvent.objects.get().instance_id == "INST-1"
    assert peer.acks.empty()  # one answer for the whole event


def test_an_event_not_stored_is_asked_for_again(
    peer: FeishuPeer, run: Callable[..., Running]
) -> None:
    run(peer, handler=lambda payload: False)
    eventually(lambda: peer.connections)

    peer.push(EVENT)

    assert peer.ack()[1] == {"code": 500}


def test_pings_follow_feishus_interval(run: Callable[..., Running]) -> None:
    peer = FeishuPeer(ping_interval=1).start()
    try:
        run(peer, handler=lambda payload: True)
        eventually(lambda: peer.pings >= 2, timeout=10)
    finally:
        peer.stop()


def test_a_dropped_connection_is_opened_again(
    peer: FeishuPeer, run: Callable[..., Running]
) -> None:
    running = run(peer, handler=lambda payload: True)
    eventually(lambda: peer.connections)

    peer.connections[0].close()
    eventually(lambda: len(peer.connections) == 2)
    peer.push(EVENT)

    assert peer.ack()[1] == {"code": 200}
    assert running.client.connections_opened == 2


def test_a_connection_dropped_while_an_event_is_stored_is_opened_again(
    peer: FeishuPeer, run: Callable[..., Running]
) -> None:
    def stored_as_the_connection_drops(payload: bytes) -> bool:
        if len(peer.connections) == 1:
            peer.connections[0].close()
        return True

    running = run(peer, handler=stored_as_the_connection_drops)
    eventually(lambda: peer.connections)
    peer.push(EVENT)

    eventually(lambda: len(peer.connections) == 2)
    peer.push(EVENT)

    assert peer.ack()[1] == {"code": 200}
    assert running.error is None and running.thread.is_alive()


def test_a_refused_app_ends_the_client(run: Callable[..., Running]) -> None:
    peer = FeishuPeer(refuse="514").start()
    try:
        running = run(peer, handler=lambda payload: True)
        running.thread.join(10)
    finally:
        peer.stop()

    assert isinstance(running.error, CredentialsRejected)
