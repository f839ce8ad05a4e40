"""The Dockerfile and the Kubernetes example are what people copy: every variable they set
must be a setting ReleaseGate reads, every command one the `releasegate` CLI accepts, and
the example configuration must load without a problem. The image itself is not built here
(that needs a registry for the base image)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import resolve

from releasegate.cli import build_parser
from releasegate.config import load
from releasegate.config.tests.setting_names import REPOSITORY, environment_names
from releasegate.observability.middleware import ENDPOINTS
from releasegate.tests.manifests import load_documents

KUBERNETES = REPOSITORY / "deploy" / "kubernetes"
DOCKERFILE = REPOSITORY / "Dockerfile"


def manifests() -> list[dict[str, Any]]:
    found = [doc for path in sorted(KUBERNETES.glob("*.yaml")) for doc in load_documents(path)]
    assert found, "no manifests in deploy/kubernetes"
    return found


def of_kind(kind: str, name: str) -> dict[str, Any]:
    (found,) = [m for m in manifests() if m["kind"] == kind and m["metadata"]["name"] == name]
    return found


def containers() -> list[dict[str, Any]]:
    return [
        container
        for manifest in manifests()
        if manifest["kind"] in ("Deployment", "Job")
        for container in manifest["spec"]["template"]["spec"]["containers"]
    ]


def assert_is_a_releasegate_command(command: list[str]) -> None:
    assert command[0] == "releasegate", command
    args, rest = build_parser().parse_known_args(command[1:])
    assert rest == [], f"{command}: unknown arguments {rest}"
    assert callable(args.run)


def test_every_variable_the_manifests_set_is_a_real_setting() -> None:
    settings = environment_names()
    secret = of_kind("Secret", "releasegate-secrets")
    named = set(secret["stringData"])
    for container in containers():
        named |= {variable["name"] for variable in container.get("env", [])}

    assert sorted(named - settings) == []
    assert {"SECRET_KEY", "DATABASE_URL", "RELEASEGATE_CONFIG"} <= named


def test_every_container_runs_a_releasegate_command() -> None:
    commands = {tuple(container["command"][:2]) for container in containers()}

    for container in containers():
        assert_is_a_releasegate_command(container["command"])
    assert {("releasegate", "serve"), ("releasegate", "worker"), ("releasegate", "migrate")} <= (
        commands
    )


def test_the_web_servers_are_probed_for_readiness_and_liveness() -> None:
    pod = of_kind("Deployment", "releasegate-web")["spec"]["template"]
    (web,) = pod["spec"]["containers"]

    ports = {port["name"] for port in web["ports"]}

    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe"):
        # Answered for any Host (a probe addresses the pod by its IP), before the host check.
        assert web[probe]["httpGet"]["path"] in ENDPOINTS
        assert web[probe]["httpGet"]["port"] in ports


def test_the_service_reaches_the_web_servers() -> None:
    service = of_kind("Service", "releasegate")
    pod = of_kind("Deployment", "releasegate-web")["spec"]["template"]
    ports = {port["name"] for port in pod["spec"]["containers"][0]["ports"]}

    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert {port["targetPort"] for port in service["spec"]["ports"]} <= ports


def test_the_ingress_exposes_only_what_dingtalk_calls_on_an_allowed_host() -> None:
    ingress = of_kind("Ingress", "releasegate-dingtalk")
    service = of_kind("Service", "releasegate")
    (web,) = of_kind("Deployment", "releasegate-web")["spec"]["template"]["spec"]["containers"]
    hosts = next(v["value"] for v in web["env"] if v["name"] == "RELEASEGATE_ALLOWED_HOSTS")
    (rule,) = ingress["spec"]["rules"]
    paths = rule["http"]["paths"]

    assert rule["host"] in hosts.split(",")
    assert {path["path"] for path in paths} == {
        "/dingtalk/connector/",
        "/dingtalk/events",
        "/dingtalk/card",
    }
    for path in paths:
        backend = path["backend"]["service"]
        assert backend["name"] == service["metadata"]["name"]
        assert backend["port"]["name"] in {port["name"] for port in service["spec"]["ports"]}
    assert resolve("/dingtalk/connector/projects").url_name == "connector-projects"
    assert resolve("/dingtalk/events").view_name == "dingtalk:events"
    assert resolve("/dingtalk/card").view_name == "dingtalk:card"


# Values of the kind a person fills in, for every placeholder of the example secret.
FILLED_IN = {
    "SECRET_KEY": "Zp3n" * 13,
    "DATABASE_URL": "postgres://releasegate:Hq7vT2kd@postgres.db.svc:5432/releasegate",
    "JENKINS_URL": "https://jenkins.corp.internal/",
    "JENKINS_TOKEN": "11d5e0f6a6c14c3f8d0e2b7a9c4f1e22",
    "DINGTALK_APP_KEY": "dingq8wzd0kqhw3ejpzx",
    "DINGTALK_APP_SECRET": "Xb4kQ9mJ2sLw7RzT1vNc8dYp3fHg6aUe0iOq5rWx",
    "DINGTALK_AGENT_ID": "3188473921",
    "DINGTALK_PROCESS_CODE": "PROC-7D1F0A44-2C7B-4E0B-9E43-1A2B3C4D5E6F",
    "DINGTALK_EVENT_TOKEN": "Hk2nP8wQ",
    "DINGTALK_EVENT_AES_KEY": "q" * 43,
    "DINGTALK_CONNECTOR_SECRET": "c0nnect0r-s3cret-4f8a",
    "METRICS_TOKEN": "m3trics-t0ken-9a7b6c5d",
}


def example(tmp_path: Path, **filled_in: str) -> dict[str, str]:
    toml = of_kind("ConfigMap", "releasegate-config")["data"]["releasegate.toml"]
    (tmp_path / "releasegate.toml").write_text(toml, encoding="utf-8")
    secret = dict(of_kind("Secret", "releasegate-secrets")["stringData"])
    return {**secret, **filled_in, "RELEASEGATE_CONFIG": str(tmp_path / "releasegate.toml")}


def test_every_placeholder_of_the_example_secret_is_refused_by_name(tmp_path: Path) -> None:
    config = load(example(tmp_path))

    assert {problem.setting for problem in config.problems} == set(FILLED_IN)


def test_the_example_filled_in_loads_without_a_problem(tmp_path: Path) -> None:
    config = load(example(tmp_path, **FILLED_IN))

    assert config.problems == ()
    assert config.options.releases.inputs[0].action == "proceed"


def test_the_configuration_is_mounted_where_releasegate_config_points() -> None:
    for container in containers():
        path = next(v["value"] for v in container["env"] if v["name"] == "RELEASEGATE_CONFIG")
        mounts = {mount["mountPath"] for mount in container["volumeMounts"]}
        assert str(Path(path).parent) in mounts
        assert Path(path).name in of_kind("ConfigMap", "releasegate-config")["data"]


def test_the_dockerfile_installs_the_locked_dependencies_and_runs_serve_unprivileged() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    (cmd,) = re.findall(r"^CMD (\[.*\])$", text, flags=re.MULTILINE)
    users = re.findall(r"^USER (\S+)$", text, flags=re.MULTILINE)

    assert re.search(r"^FROM python:3\.11-slim$", text, flags=re.MULTILINE)
    assert "uv sync --frozen --no-dev" in text
    assert users and users[-1] not in ("root", "0")
    assert json.loads(cmd)[:2] == ["releasegate", "serve"]
    assert_is_a_releasegate_command(json.loads(cmd))


def test_every_documented_waitress_command_limits_the_body_size() -> None:
    production = (REPOSITORY / "docs" / "production.md").read_text(encoding="utf-8")
    commands = re.findall(r'waitress-serve[ "][^`\]]*', production)

    assert len(commands) >= 2
    for command in commands:
        assert "--max-request-body-size=65536" in command, command


def test_the_subset_reader_agrees_with_pyyaml() -> None:
    yaml = pytest.importorskip("yaml")
    for path in sorted(KUBERNETES.glob("*.yaml")):
        expected = [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
        assert load_documents(path) == expected, path.name
