from __future__ import annotations

import random

from releasegate.lib.backoff import Backoff


def test_delays_double_up_to_the_ceiling_each_drawn_from_its_upper_half() -> None:
    backoff = Backoff(1.0, 60.0, random.Random(7))

    for failures, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (6, 32.0), (7, 60.0), (50, 60.0)]:
        delays = [backoff.delay(failures) for _ in range(50)]
        assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
        assert len(set(delays)) > 1  # jittered, not in step with other clients
