from __future__ import annotations

import pytest

from releasegate.integrations.jenkins.client import JenkinsClient
from releasegate.integrations.jenkins.models import Folder, Job, JobKind, JobListing


@pytest.fixture
def listing(client: JenkinsClient) -> JobListing:
    return client.list_jobs()


def job(listing: JobListing, full_name: str) -> Job:
    return next(job for job in listing.jobs if job.full_name == full_name)


def test_it_reports_a_disabled_job_as_not_buildable(listing: JobListing) -> None:
    legacy = job(listing, "mall/legacy-admin")

    assert legacy.buildable is False
    assert legacy.color == "disabled"
    assert job(listing, "mall/web-frontend").buildable is True


def test_it_reads_display_names_and_descriptions(listing: JobListing) -> None:
    order = job(listing, "mall/order-service")

    assert order.display_name == "订单服务"
    assert order.description == "订单中心 (Java)"
    assert order.url.endswith("/job/mall/job/order-service/")
    assert order.color == "nobuilt"  # sic: BallColor spells "not built" this way


def test_it_describes_folders(listing: JobListing) -> None:
    assert listing.folders[0] == Folder(
        full_name="mall",
        display_name="商城",
        description="线上商城",
        jenkins_class="com.cloudbees.hudson.plugins.folder.Folder",
    )


def test_it_tells_pipelines_from_freestyle_jobs(listing: JobListing) -> None:
    assert job(listing, "mall/web-frontend").kind is JobKind.PIPELINE
    assert job(listing, "payment/settlement-batch").kind is JobKind.FREESTYLE
    assert job(listing, "payment/settlement-batch").jenkins_class == "hudson.model.FreeStyleProject"


def test_it_tells_jobs_with_parameters_from_jobs_without(listing: JobListing) -> None:
    assert job(listing, "mall/web-frontend").is_parameterized
    assert not job(listing, "ops/nightly-backup").is_parameterized
