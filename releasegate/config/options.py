"""The TOML file (`RELEASEGATE_CONFIG`): everything that is not a secret.

Unknown keys are errors, so a typo is reported instead of silently ignored.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import datetime, time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from releasegate.config.calendar_options import HolidayOptions, RecurringFreeze
from releasegate.config.problems import Problem

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JenkinsOptions(_Section):
    timeout_seconds: float = Field(15.0, gt=0, le=300)
    # Folder levels one listing request reaches; deeper folders cost one request each.
    folder_levels_per_request: int = Field(5, ge=1, le=20)
    verify_tls: bool = True


class CatalogOptions(_Section):
    # Globs on job full names ("mall/*"); `*` also matches "/". Exclude wins.
    include: list[str] = ["*"]
    exclude: list[str] = []
    # Readable project names by top-level folder, overriding Jenkins' display names.
    project_names: dict[str, str] = {}
    # Name of the project that collects jobs not inside any folder.
    root_project_name: str = "未分组"
    # The workers sync the catalog this often (0: only by hand, `releasegate sync`).
    sync_interval_minutes: int = Field(10, ge=0, le=24 * 60)


class FormMapping(_Section):
    """Which approval-form field carries what. Defaults match the form in the setup guide."""

    project: str = "项目名称"
    application: str = "应用名称"
    release_type: str = "发布类型"
    release_time: str = "发布时间"
    db_change: str = "是否有数据库变更"
    db_change_done: str = "数据库变更是否完成"
    # Form field label -> the Jenkins parameter it fills; a list names alternatives, for a
    # form shared by jobs that call the same thing differently: the first one the chosen
    # job declares receives the value (the connector's input mapping uses the first).
    parameters: dict[str, str | list[str]] = {"分支或标签": ["BRANCH", "TAG"], "环境": "ENV"}
    # The Jenkins parameter that receives the release type, where the job defines it.
    release_type_parameter: str = "RELEASE_TYPE"
    # Answers that mean "yes" and "no" in the database-change fields (case-insensitive).
    # Any other answer to "is there a database change" stops the release: the check must
    # not pass because a control was renamed or an option reworded.
    yes_values: list[str] = ["是", "有", "已完成", "yes", "true", "y", "1"]
    no_values: list[str] = ["否", "无", "没有", "未完成", "no", "false", "n", "0"]

    def parameter_names(self) -> dict[str, tuple[str, ...]]:
        """Each parameter field's label with its Jenkins names, first one first."""
        return {
            label: (names,) if isinstance(names, str) else tuple(names)
            for label, names in self.parameters.items()
        }

    def alternatives(self, name: str) -> tuple[str, ...]:
        """The names that may stand for `name` (itself first, then its field's others)."""
        for names in self.parameter_names().values():
            if name in names:
                return (name, *(other for other in names if other != name))
        return (name,)


class DingTalkOptions(_Section):
    # Seconds allowed for each DingTalk API call.
    timeout_seconds: float = Field(10.0, gt=0, le=120)
    # Look for approvals whose events were lost this often (0: never), among the release
    # form's instances started within the lookback. Each run costs API calls: on an
    # edition with a small monthly quota, run it rarely.
    reconcile_minutes: int = Field(15, ge=0, le=24 * 60)
    reconcile_lookback_hours: int = Field(24, ge=1, le=120 * 24)
    # With approval cards on: how often approvers whose task opened are given their card
    # (most of a card's delay after the task opens).
    card_seconds: float = Field(5.0, gt=0, le=3600)


class FeishuOptions(_Section):
    # Seconds allowed for each Feishu API call.
    timeout_seconds: float = Field(10.0, gt=0, le=120)
    # Look for approvals whose events were lost this often (0: never), among the release
    # form's instances started within the lookback (Feishu lists them 100 calls a minute).
    reconcile_minutes: int = Field(10, ge=0, le=24 * 60)
    reconcile_lookback_hours: int = Field(24, ge=1, le=120 * 24)


class WeComOptions(_Section):
    # Seconds allowed for each WeCom API call.
    timeout_seconds: float = Field(10.0, gt=0, le=120)
    # WeCom's callbacks are best effort: look for approvals whose news was lost this
    # often (0: never), among the template's applications made within the lookback. The
    # approval APIs allow 600 calls a minute for the whole company (docs/wecom-setup.md).
    reconcile_minutes: int = Field(5, ge=0, le=24 * 60)
    reconcile_lookback_hours: int = Field(24, ge=1, le=30 * 24)


class LocalGroup(_Section):
    """Who approves the releases of a project (or of one application of it) in
    ReleaseGate's own approvals."""

    # The project's key (its top-level Jenkins folder), e.g. "mall".
    project: str = ""
    # One application ("mall/order-service", the job's full name): its group wins over
    # its project's. Empty: every application of the project.
    application: str = ""
    # ReleaseGate logins, each asked once.
    approvers: list[str] = Field(min_length=1)
    # How many of them must approve (N of M); the person who asked never counts.
    required: int = 1

    @field_validator("approvers")
    @classmethod
    def _each_login_once(cls, value: list[str]) -> list[str]:
        logins = [login.strip() for login in value]
        if not all(logins):
            raise ValueError("an approver's login is empty")
        if len(set(logins)) != len(logins):
            raise ValueError("an approver is named twice")
        return logins

    @field_validator("required")
    @classmethod
    def _at_most_the_approvers(cls, value: int, info: ValidationInfo) -> int:
        approvers = info.data.get("approvers")
        most = len(approvers) if approvers else None
        if value < 1 or (most is not None and value > most):
            raise ValueError(f"must be between 1 and {most or 'the number of approvers'}")
        return value

    @model_validator(mode="after")
    def _application_of_the_project(self) -> LocalGroup:
        if not self.project and not self.application:
            raise ValueError("a group needs a project, an application, or both")
        if (
            self.project
            and self.application
            and not self.application.startswith(f"{self.project}/")
        ):
            raise ValueError(f"application {self.application!r} is not in project {self.project!r}")
        return self


class LocalOptions(_Section):
    """ReleaseGate's own approvals: on when at least one group is configured."""

    # A request nobody decided within this many hours expires (0: never).
    expire_hours: float = Field(24, ge=0, le=90 * 24)
    groups: list[LocalGroup] = []

    @model_validator(mode="after")
    def _one_group_each(self) -> LocalOptions:
        seen: set[tuple[str, str]] = set()
        for group in self.groups:
            scope = (group.project, group.application)
            if scope in seen:
                raise ValueError(f"two groups for {group.application or group.project}")
            seen.add(scope)
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.groups)


_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ReleaseWindow(_Section):
    """Releases may run on these days between `start` and `end` (local time)."""

    days: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
    start: str = "00:00"
    end: str = "24:00"

    @field_validator("start", "end")
    @classmethod
    def _is_clock_time(cls, value: str) -> str:
        if value != "24:00" and not _CLOCK.match(value):
            raise ValueError("must be HH:MM (24-hour), e.g. 09:30")
        return value

    @model_validator(mode="after")
    def _start_before_end(self) -> ReleaseWindow:
        if self.start >= self.end:
            raise ValueError(f"start {self.start} must be before end {self.end}")
        return self

    def clock(self, which: Literal["start", "end"]) -> time:
        text = self.start if which == "start" else self.end
        return time.max if text == "24:00" else time.fromisoformat(text)


class Freeze(_Section):
    """No releases from `start` to `end` (local time), e.g. a holiday freeze."""

    start: datetime
    end: datetime
    reason: str = "封网"

    @model_validator(mode="after")
    def _start_before_end(self) -> Freeze:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class InputRule(_Section):
    """What to do when a job's pipeline waits at an `input` step."""

    # Glob on the job's full name.
    job: str
    # The input's id as Jenkins shows it ("Deploy-approval"); "*" for any.
    input_id: str = "*"
    # "proceed": answer at once with the approved values (defaults for the rest);
    # "wait": tell the approvers and wait for someone to answer it in Jenkins.
    action: Literal["proceed", "wait"] = "wait"
    # Abort the build when nobody answered within this time ("wait" only).
    timeout_minutes: int = Field(60, ge=1, le=7 * 24 * 60)


class ReleaseOptions(_Section):
    timezone: str = "Asia/Shanghai"
    # Empty: releases may run at any time. Otherwise only inside one of these windows.
    windows: list[ReleaseWindow] = []
    freezes: list[Freeze] = []
    # Freezes that come back every week or every month.
    recurring_freezes: list[RecurringFreeze] = []
    # Public holidays and working weekends; none when the section is absent.
    holidays: HolidayOptions | None = None
    # A release time this far in the past still means "now" (the form took a while).
    past_tolerance_minutes: int = Field(10, ge=0, le=1440)
    # Release times further ahead than this are refused.
    horizon_days: int = Field(30, ge=1, le=366)
    # Outside every window: refuse (false) or hold the release to the next window (true).
    hold_outside_window: bool = False
    # An approved rollback to the last good release may run during a freeze (the release
    # windows still apply). It is approved like any other release either way.
    rollback_through_freeze: bool = False
    # Only one release of an application runs at a time; the next waits (or, with
    # reject_when_busy, is refused).
    one_active_per_application: bool = True
    reject_when_busy: bool = False
    # The originator may not be the only approver of their own release.
    forbid_self_approval: bool = True
    # `input` steps: the first matching rule applies; without one, "wait" for 60 minutes.
    inputs: list[InputRule] = []
    # Seconds between looks at a queued item and at a running build (one request per job).
    poll_seconds: float = Field(3.0, ge=0.2, le=300)
    # Transient failures of one step are retried this often (with backoff), then ERROR.
    max_attempts: int = Field(8, ge=1, le=100)
    # A job parameter of this name, where the job declares it, receives the release id,
    # so a build is matched to its release exactly after a crash.
    release_id_parameter: str = "RELEASEGATE_RELEASE_ID"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def for_rollback(self) -> ReleaseOptions:
        """The options a rollback is judged by: without the freezes when
        `rollback_through_freeze` lets rollbacks through them."""
        if not self.rollback_through_freeze:
            return self
        return self.model_copy(update={"freezes": []})


class FileConfig(_Section):
    jenkins: JenkinsOptions = JenkinsOptions()
    catalog: CatalogOptions = CatalogOptions()
    # The release approval form, whichever platform shows it.
    form: FormMapping = FormMapping()
    dingtalk: DingTalkOptions = DingTalkOptions()
    feishu: FeishuOptions = FeishuOptions()
    wecom: WeComOptions = WeComOptions()
    releases: ReleaseOptions = ReleaseOptions()
    # ReleaseGate's own approvals (approver groups), for teams without an approval
    # platform.
    local: LocalOptions = LocalOptions()

    @model_validator(mode="before")
    @classmethod
    def _form_where_it_was(cls, data: object) -> object:
        """`[dingtalk.form]` is where the form mapping was read before every platform
        shared it: still read there, when `[form]` is not given."""
        if not isinstance(data, dict):
            return data
        dingtalk = data.get("dingtalk")
        if not isinstance(dingtalk, dict) or "form" not in dingtalk:
            return data
        if "form" in data:
            raise ValueError("the form mapping is given twice: keep [form], remove [dingtalk.form]")
        rest = {key: value for key, value in dingtalk.items() if key != "form"}
        return {**data, "form": dingtalk["form"], "dingtalk": rest}


def read_options(
    environ: Mapping[str, str], problems: list[Problem]
) -> tuple[Path | None, FileConfig]:
    """The file `RELEASEGATE_CONFIG` names, or the defaults; problems appended."""
    raw_path = environ.get("RELEASEGATE_CONFIG")
    if not raw_path:
        return None, FileConfig()
    path = Path(raw_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        problems.append(Problem("RELEASEGATE_CONFIG", f"cannot read {path}: {exc.strerror}"))
        return path, FileConfig()
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem("RELEASEGATE_CONFIG", f"{path} is not valid TOML: {exc}"))
        return path, FileConfig()
    try:
        return path, FileConfig.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            problems.append(Problem(f"{path.name}: {where}" if where else path.name, error["msg"]))
        return path, FileConfig()
