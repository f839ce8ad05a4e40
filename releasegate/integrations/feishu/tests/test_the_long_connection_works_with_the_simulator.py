"""ReleaseGate's long-connection client against the simulated Feishu over real sockets:
the approval events of a submitted instance are stored and acknowledged, a split event is
put together, a dropped connection is opened again and takes the next events, and wrong
credentials end the client."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections

from releasegate.integrations.feishu.errors import CredentialsRejected
from releasegate.integrations.feishu.stream import store_pushed
from releasegate.integrations.feishu.ws_client import LongConnection, LongConnectionOptions
from releasegate.lib.http import Timeouts
from releasegate.releases.models import InboundEvent
from releasegate.simulators.feishu.control import FeishuControl
from releasegate.simulators.feishu.server import FeishuSimulator
from releasegate.simulators.feishu.settings import SimSettings
from releasegate.tests.waiting import eventually

FAST = LongConnectionOptions(silence_seconds=30, backoff_initial=0.02, backoff_max=0.2)
FORM = {"项目名称": "mall", "应用名称": "order-service"}


class Receiving:
    """The client for a simulator's app, receiving on a thread of its own until `stop()`."""

    def __init__(self, simulator: FeishuSimulator, app_secret: str | None = None) -> None:
        settings = simulator.settings
        self.client = LongConnection(
            app_id=settings.app_id,
            app_secret=settings.app_secret if app_secret is None else app_secret,
            handler=store_pushed,
            api_base=simulator.url,
            options=FAST,
            timeouts=Timeouts.uniform(5),
        )
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.client.run()
        except BaseException as exc:  # kept for the test to look at
            self.error = exc
        finally:
            connections.close_all()

    def stop(self) -> None:
        self.client.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()


Running = tuple[FeishuControl, Receiving]


@pytest.fixture
def start() -> Iterator[Callable[..., Running]]:
    """`start(app_secret=None, **settings)`: a simulated Feishu delivering by long
    connection, its control API, and our client receiving from it."""
    simulators: list[FeishuSimulator] = []
    running: list[Running] = []

    def started(app_secret: str | None = None, **overrides: Any) -> Running:
        settings = SimSettings.demo(event_delivery="long_connection", **overrides)
        simulators.append(FeishuSimulator(settings).start())
        control = FeishuControl(simulators[-1].url)
        running.append((control, Receiving(simulators[-1], app_secret)))
        return running[-1]

    yield started
    for control, receiving in running:
        receiving.stop()
        control.close()
    for simulator in simulators:
        simulator.stop()


def _connected(control: FeishuControl, count: int = 1) -> list[dict[str, Any]]:
    def listed() -> list[dict[str, Any]]:
        found = control.long_connection.open_connections()
        return found if len(control.long_connection.connections()) == count and found else []

    return eventually(listed, timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_submitted_instances_events_are_stored_and_acknowledged(
    start: Callable[..., Running],
) -> None:
    control, receiving = start()
    _connected(control)

    code = control.submit(FORM)
    assert control.long_connection.settle()

    deliveries = control.long_connection.deliveries()
    assert [[a["outcome"] for a in d["attempts"]] for d in deliveries] == [["success"]] * 3
    stored = InboundEvent.objects.order_by("id")
    assert [e.delivery_id for e in stored] == [d["uuid"] for d in deliveries]
    assert {(e.provider, e.via, e.instance_id) for e in stored} == {("feishu", "stream", code)}
    # counted just after the ACK goes out
    assert eventually(lambda: receiving.client.events_acknowledged == 3)


@pytest.mark.django_db(transaction=True)
def test_a_split_event_is_stored_whole(start: Callable[..., Running]) -> None:
    control, _ = start(ws_part_size=50)
    _connected(control)

    code = control.submit(FORM)
    assert control.long_connection.settle()

    assert {
        a["parts"] > 1 for d in control.long_connection.deliveries() for a in d["attempts"]
    } == {True}
    assert InboundEvent.objects.filter(instance_id=code).count() == 3


@pytest.mark.django_db(transaction=True)
def test_after_a_drop_it_reconnects_and_takes_the_next_events(
    start: Callable[..., Running],
) -> None:
    control, receiving = start()
    _connected(control)

    control.long_connection.drop()
    (second,) = _connected(control, 2)
    control.submit(FORM)
    assert control.long_connection.settle()

    attempts = [a for d in control.long_connection.deliveries() for a in d["attempts"]]
    assert {(a["connection"], a["outcome"]) for a in attempts} == {(second["id"], "success")}
    assert receiving.client.connections_opened == 2


def test_wrong_credentials_end_the_client(start: Callable[..., Running]) -> None:
    _, receiving = start(app_secret="not-the-secret")

    receiving.thread.join(10)

    assert isinstance(receiving.error, CredentialsRejected)
