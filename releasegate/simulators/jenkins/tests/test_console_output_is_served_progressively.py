"""Console output: `consoleText`, and `logText/progressiveText` with its offsets."""

from __future__ import annotations

import httpx

from releasegate.simulators.jenkins.control import SimulatorControl
from releasegate.simulators.jenkins.tests.calls import job_path, start_build

LOG = f"{job_path('mall/web-frontend')}1/logText/progressiveText"


def test_it_serves_the_whole_log_as_plain_text(api: httpx.Client, sim: SimulatorControl) -> None:
    start_build(api, "mall/web-frontend", BRANCH="hotfix/cart-total")
    sim.advance(3.5)

    response = api.get(f"{job_path('mall/web-frontend')}1/consoleText")

    assert response.headers["Content-Type"] == "text/plain;charset=UTF-8"
    lines = response.text.splitlines()
    assert lines[0] == "Started by user releasegate"
    assert "[Pipeline] { (Deploy)" in lines
    assert any("web=registry.example.com/mall/web:hotfix/cart-total" in line for line in lines)
    assert lines[-1] == "Finished: SUCCESS"


def test_it_says_more_data_is_coming_only_while_the_build_runs(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    start_build(api, "mall/web-frontend")

    running = api.get(LOG, params={"start": 0})
    sim.advance(3.5)
    finished = api.get(LOG, params={"start": 0})

    assert running.headers["X-More-Data"] == "true"
    assert "X-More-Data" not in finished.headers
    assert int(finished.headers["X-Text-Size"]) == len(finished.content)


def test_it_continues_from_the_offset_it_gave(api: httpx.Client, sim: SimulatorControl) -> None:
    start_build(api, "mall/web-frontend")
    first = api.get(LOG, params={"start": 0})
    sim.advance(3.5)

    rest = api.get(LOG, params={"start": first.headers["X-Text-Size"]})

    assert first.content + rest.content == api.get(LOG).content
    assert rest.text.endswith("Finished: SUCCESS\n")
    assert int(rest.headers["X-Text-Size"]) == len(first.content) + len(rest.content)


def test_it_answers_nothing_new_at_the_end_of_the_log(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    start_build(api, "mall/web-frontend")
    sim.advance(3.5)
    size = api.get(LOG).headers["X-Text-Size"]

    response = api.get(LOG, params={"start": size})

    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["X-Text-Size"] == size


def test_it_starts_over_from_an_offset_beyond_the_end(
    api: httpx.Client, sim: SimulatorControl
) -> None:
    start_build(api, "mall/web-frontend")
    sim.advance(3.5)

    response = api.get(LOG, params={"start": 10_000_000})

    assert response.content == api.get(LOG).content
    assert response.text.startswith("Started by user releasegate")
