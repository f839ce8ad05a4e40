"""The calls these tests make to a simulated Jenkins, spelled out once."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from releasegate.simulators.jenkins.control import SimulatorControl

DEMO_USER = "releasegate"
DEMO_TOKEN = "releasegate-demo-token"
DEMO_PASSWORD = "releasegate-demo-password"
VIEWER = ("viewer", "viewer-demo-token")

ORDER_SERVICE = "mall/order-service"
# mall/order-service's three stages take 4 s; the input waits at the start of the third.
ORDER_SERVICE_INPUT = "Deploy-approval"
SECONDS_TO_INPUT = 2.7


def job_path(full_name: str) -> str:
    """`job/a/job/b/` for `a/b`, each segment quoted."""
    return "".join(f"job/{quote(segment, safe='')}/" for segment in full_name.split("/"))


def queue_id(response: httpx.Response) -> int:
    """The queue item id from a trigger's `Location: .../queue/item/<id>/`."""
    path = urlsplit(response.headers["location"]).path
    return int(path.rstrip("/").rsplit("/", 1)[-1])


def trigger(client: httpx.Client, full_name: str, **parameters: Any) -> httpx.Response:
    return client.post(f"{job_path(full_name)}buildWithParameters", params=parameters)


def queue_item(client: httpx.Client, item_id: int) -> dict[str, Any]:
    response = client.get(f"queue/item/{item_id}/api/json")
    response.raise_for_status()
    item: dict[str, Any] = response.json()
    return item


def start_build(client: httpx.Client, full_name: str, **parameters: Any) -> int:
    """Trigger a build that starts at once (the demo has no quiet period); its number."""
    response = trigger(client, full_name, **parameters)
    assert response.status_code == 201, response.text
    executable = queue_item(client, queue_id(response))["executable"]
    assert executable is not None
    number: int = executable["number"]
    return number


def build_json(
    client: httpx.Client, full_name: str, number: int | str, **query: Any
) -> dict[str, Any]:
    response = client.get(f"{job_path(full_name)}{number}/api/json", params=query)
    response.raise_for_status()
    build: dict[str, Any] = response.json()
    return build


def wait_at_input(client: httpx.Client, sim: SimulatorControl) -> int:
    """Start mall/order-service and move the clock until it waits at its input step."""
    number = start_build(client, ORDER_SERVICE)
    sim.advance(SECONDS_TO_INPUT)
    return number


def action(build: dict[str, Any], java_class: str) -> dict[str, Any]:
    """The build's (or item's) action of this `_class`."""
    found: dict[str, Any] = next(a for a in build["actions"] if a.get("_class") == java_class)
    return found
