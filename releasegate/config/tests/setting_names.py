"""Every setting ReleaseGate has, found in the code itself, so the docs and the deployment
examples can be checked against it instead of against a list someone has to remember.

Environment variables are found twice over: by loading the configuration through a
mapping that records every name it is asked for (the configuration package's contract),
and by reading the source for `os.environ.get("…")`-style reads anywhere else (a command
that reads its own variable). TOML options come from the pydantic models of the file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from releasegate.config import FileConfig, load

PACKAGE = Path(__file__).resolve().parents[2]
REPOSITORY = PACKAGE.parent

# Values that make every branch of the loader read what it can read.
_COMPLETE = {
    "SECRET_KEY": "k" * 50,
    "JENKINS_URL": "https://jenkins.corp.internal/",
    "JENKINS_USER": "releasegate",
    "JENKINS_TOKEN": "token",
    "DINGTALK_CONNECTOR_AUTH": "basic",
    "DINGTALK_CONNECTOR_SECRET": "user:password",
    "DINGTALK_ROBOT_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=t",
    "FEISHU_APP_ID": "cli_example",
    "WECOM_CORP_ID": "wwexample",
}


class _RecordingEnviron(Mapping[str, str]):
    """An environment that remembers every name looked up in it."""

    def __init__(self, values: Mapping[str, str], asked: set[str]) -> None:
        self._values = dict(values)
        self._asked = asked

    def __getitem__(self, name: str) -> str:
        self._asked.add(name)
        return self._values[name]

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self._asked.add(name)
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def environment_names() -> set[str]:
    """The name of every environment variable ReleaseGate reads."""
    asked: set[str] = set()
    for values in ({}, _COMPLETE, {**_COMPLETE, "RELEASEGATE_DEMO": "1", "SECRET_KEY": ""}):
        load(_RecordingEnviron(values, asked))
    return asked | _names_read_in_source()


def _names_read_in_source() -> set[str]:
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = _environment_read(node)
            if name is not None:
                names.add(name)
    return names


def _environment_read(node: ast.AST) -> str | None:
    """ "X" for `os.environ.get("X")`, `environ["X"]` or `os.getenv("X")`, else None."""
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        reads_environ = node.func.attr == "get" and _is_environ(node.func.value)
        if not (reads_environ or node.func.attr == "getenv"):
            return None
        key = node.args[0]
    else:
        return None
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    return None


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "environ") or (
        isinstance(node, ast.Attribute) and node.attr == "environ"
    )


def option_paths(model: type[BaseModel] = FileConfig, prefix: str = "") -> set[str]:
    """Every option of the TOML file as a dotted path (`releases.inputs.job`); a table
    whose keys are the user's own (`project_names`) is one option."""
    paths: set[str] = set()
    for name, field in model.model_fields.items():
        nested = _nested_model(field.annotation)
        if nested is None:
            paths.add(prefix + name)
        else:
            paths |= option_paths(nested, f"{prefix}{name}.")
    return paths


def paths_in(
    data: Mapping[str, Any], model: type[BaseModel] = FileConfig, prefix: str = ""
) -> set[str]:
    """The options a parsed TOML document sets, as `option_paths` names them."""
    paths: set[str] = set()
    for name, value in data.items():
        field = model.model_fields.get(name)
        nested = _nested_model(field.annotation) if field is not None else None
        if nested is None:
            paths.add(prefix + name)
            continue
        for table in value if isinstance(value, list) else [value]:
            paths |= paths_in(table, nested, f"{prefix}{name}.")
    return paths


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (itself or as a list of them: an array of tables)."""
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None
