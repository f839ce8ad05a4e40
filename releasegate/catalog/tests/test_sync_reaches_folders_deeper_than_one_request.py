from __future__ import annotations

from collections.abc import Callable

import pytest

from releasegate.catalog.models import Application
from releasegate.catalog.sync import run_sync
from releasegate.catalog.tests.conftest import Jenkins
from releasegate.config import CatalogOptions

pytestmark = pytest.mark.django_db


def test_each_folder_beyond_the_tree_costs_one_more_request(
    small_jenkins: Callable[..., Jenkins],
) -> None:
    jenkins = small_jenkins(
        folder_levels=2,
        jobs=[
            {"path": "a/shallow"},
            {"path": "a/b/c/deep-one"},
            {"path": "a/b/c/d/deeper"},
            {"path": "x/y/z/elsewhere"},
        ],
    )

    record = run_sync(jenkins.client, CatalogOptions())

    # The tree reaches two levels: the root request finds a/b and x/y with unseen
    # children, the request at a/b finds a/b/c/d with unseen children: 1 + 3.
    assert record.requests == 4
    assert sorted(Application.objects.values_list("full_name", flat=True)) == [
        "a/b/c/d/deeper",
        "a/b/c/deep-one",
        "a/shallow",
        "x/y/z/elsewhere",
    ]
