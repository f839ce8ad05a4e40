"""`logText/progressiveText?start=N` answers the text from byte N, `X-Text-Size` (the next
offset) and `X-More-Data: true` while the build runs (Stapler LargeText)."""

from __future__ import annotations

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.simulators.jenkins.control import SimulatorControl

WEB = "mall/web-frontend"


def test_it_reads_new_text_from_where_it_left_off(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger(WEB, {"BRANCH": "master"})
    first = client.console(WEB, 1)
    sim.advance(1.5)

    second = client.console(WEB, 1, start=first.next_start)

    assert first.text.startswith("Started by user releasegate\n[Pipeline] Start of Pipeline\n")
    assert first.more is True
    assert first.next_start == len(first.text.encode())
    assert "+ npm ci\n" in second.text
    assert "Started by user" not in second.text
    assert second.more is True
    assert second.next_start == first.next_start + len(second.text.encode())


def test_it_says_no_more_text_comes_once_the_build_ended(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger(WEB, {"BRANCH": "master"})
    running = client.console(WEB, 1)
    sim.advance(3)

    rest = client.console(WEB, 1, start=running.next_start)

    assert rest.more is False
    assert rest.text.endswith("[Pipeline] End of Pipeline\nFinished: SUCCESS\n")
    assert client.console(WEB, 1).text == running.text + rest.text


def test_it_counts_the_offset_in_bytes_not_characters(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger("mall/order-service", {})
    sim.advance(3)  # reaches the input step, whose message is Chinese

    chunk = client.console("mall/order-service", 1)
    after = client.console("mall/order-service", 1, start=chunk.next_start)

    assert "确认发布到生产?\n" in chunk.text
    assert chunk.next_start == len(chunk.text.encode("utf-8")) > len(chunk.text)
    assert (after.text, after.next_start, after.more) == ("", chunk.next_start, True)


def test_it_returns_the_last_lines_of_the_console(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger(WEB, {"BRANCH": "master"})
    sim.advance(3)

    tail = client.console_tail(WEB, 1, max_lines=2)

    assert tail == "[Pipeline] End of Pipeline\nFinished: SUCCESS"


def test_it_returns_the_whole_console_when_shorter_than_asked(
    client: JenkinsClient, sim: SimulatorControl
) -> None:
    client.trigger("ops/nightly-backup", None)
    sim.advance(1)

    tail = client.console_tail("ops/nightly-backup", 1, max_lines=50)

    assert tail == client.console("ops/nightly-backup", 1).text.rstrip("\n")
    assert tail.startswith("Started by user releasegate\n")
