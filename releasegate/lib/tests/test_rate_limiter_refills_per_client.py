from __future__ import annotations

from releasegate.lib.ratelimit import RateLimiter, retry_after


def test_a_client_gets_its_burst_then_waits_for_a_token() -> None:
    limiter = RateLimiter(rate=2, burst=3)

    answers = [limiter.admit("10.0.0.1", now=100.0) for _ in range(5)]

    assert answers[:3] == [(0.0, False)] * 3
    assert answers[3] == (0.5, True)
    assert answers[4] == (0.5, False)


def test_tokens_come_back_at_the_rate() -> None:
    limiter = RateLimiter(rate=2, burst=1)
    limiter.admit("a", now=0.0)

    assert limiter.admit("a", now=0.25)[0] == 0.25
    assert limiter.admit("a", now=0.5) == (0.0, False)


def test_clients_have_their_own_buckets() -> None:
    limiter = RateLimiter(rate=1, burst=1)

    assert limiter.admit("a", now=0.0) == (0.0, False)
    assert limiter.admit("b", now=0.0) == (0.0, False)
    assert limiter.admit("a", now=0.0)[0] > 0


def test_it_forgets_the_least_recently_seen_client_beyond_its_size() -> None:
    limiter = RateLimiter(rate=1, burst=1, max_clients=2)
    limiter.admit("a", now=0.0)
    limiter.admit("b", now=0.0)
    limiter.admit("c", now=0.0)

    assert limiter.admit("a", now=0.0) == (0.0, False)
    assert limiter.admit("c", now=0.0)[0] > 0


def test_retry_after_is_whole_seconds_and_at_least_one() -> None:
    assert [retry_after(s) for s in (0.01, 1.0, 1.2)] == ["1", "1", "2"]


def test_waiting_says_how_long_without_taking_a_token() -> None:
    limiter = RateLimiter(rate=2, burst=1)

    assert limiter.waiting("a", now=0.0) == 0.0
    limiter.admit("a", now=0.0)

    assert limiter.waiting("a", now=0.0) == 0.5
    assert limiter.waiting("a", now=0.25) == 0.25
    assert limiter.waiting("a", now=0.5) == 0.0
    assert limiter.admit("a", now=0.5) == (0.0, False)
