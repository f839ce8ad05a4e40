"""An approval whose form names a job the catalog does not offer (excluded, or a name
that tries to walk to one with `..` or an encoded slash) is rejected by the policies, and
Jenkins never hears of it: no request reaches that job, nothing is built."""

from __future__ import annotations

import logging

import pytest

from releasegate.catalog.sync import run_sync
from releasegate.config import CatalogOptions
from releasegate.releases.models import ReleaseState
from releasegate.releases.tests.engine_harness import Harness

pytestmark = pytest.mark.django_db

FORBIDDEN = "ops/nightly-backup"
NAMES = [
    "夜间备份 (ops/nightly-backup)",
    "x (mall/../ops/nightly-backup)",
    "x (mall/order-service/../../ops/nightly-backup)",
    "x (mall%2F..%2Fops%2Fnightly-backup)",
    "x (mall/order-service%2F..%2F..%2Fops%2Fnightly-backup)",
    "x (../ops/nightly-backup)",
]


@pytest.mark.parametrize("named", NAMES)
def test_it_is_rejected_and_jenkins_never_hears_of_it(
    harness: Harness, caplog: pytest.LogCaptureFixture, named: str
) -> None:
    run_sync(harness.jenkins, CatalogOptions(exclude=["ops/*"]))
    caplog.set_level(logging.DEBUG, logger="releasegate.simulators.jenkins")
    release = harness.approve(form={"应用名称": named})

    harness.run(passes=3, seconds=60)

    assert harness.state(release) == ReleaseState.REJECTED
    assert "不在项目 商城 中，或未开放发布" in release.reason
    assert harness.sim.builds() == []
    jenkins_heard = [
        record.getMessage()
        for record in caplog.records
        if record.name == "releasegate.simulators.jenkins" and "/_sim/" not in record.getMessage()
    ]
    assert not any("/job/" in line for line in jenkins_heard), jenkins_heard
