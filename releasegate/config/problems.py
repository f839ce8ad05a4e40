from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration, named by its setting."""

    setting: str
    message: str

    def __str__(self) -> str:
        return f"{self.setting}: {self.message}"

    @property
    def area(self) -> str:
        """What the setting configures: an approval platform ("dingtalk", "feishu",
        "wecom", "local"), "jenkins" or "core". A command only refuses to run for
        problems in the areas it uses."""
        name = self.setting.split(": ", 1)[-1].lower()
        for area in AREAS:
            if name.startswith(area):
                return area
        return "core"


# The areas a setting can belong to, by the start of its name (`DINGTALK_APP_KEY`, the
# config file's `dingtalk.reconcile_minutes`).
AREAS = ("dingtalk", "feishu", "wecom", "local", "jenkins")
