"""ReleaseGate's configuration: secrets and addresses from the environment, everything
else from a TOML file (`RELEASEGATE_CONFIG`).

Loading never raises: every problem is collected with the name of the setting it is
about, so `releasegate check` can list them all at once and the services can refuse to
start with the same messages.
"""

from __future__ import annotations

from releasegate.config.calendar_options import ExtraHoliday, HolidayOptions, RecurringFreeze
from releasegate.config.dingtalk import DingTalkSettings
from releasegate.config.email import EmailSettings
from releasegate.config.environment import Config, JenkinsSettings, load
from releasegate.config.feishu import FeishuSettings
from releasegate.config.observability import ObservabilitySettings
from releasegate.config.options import (
    CatalogOptions,
    DingTalkOptions,
    FeishuOptions,
    FileConfig,
    FormMapping,
    Freeze,
    InputRule,
    JenkinsOptions,
    LocalGroup,
    LocalOptions,
    ReleaseOptions,
    ReleaseWindow,
    WeComOptions,
)
from releasegate.config.problems import Problem
from releasegate.config.wecom import WeComSettings

__all__ = [
    "CatalogOptions",
    "Config",
    "DingTalkOptions",
    "DingTalkSettings",
    "EmailSettings",
    "ExtraHoliday",
    "FeishuOptions",
    "FeishuSettings",
    "FileConfig",
    "FormMapping",
    "Freeze",
    "HolidayOptions",
    "InputRule",
    "JenkinsOptions",
    "JenkinsSettings",
    "LocalGroup",
    "LocalOptions",
    "ObservabilitySettings",
    "Problem",
    "RecurringFreeze",
    "ReleaseOptions",
    "ReleaseWindow",
    "WeComOptions",
    "WeComSettings",
    "load",
]
