"""The deployment files (deploy/), checked offline: there is no Docker daemon nor a
cluster here. hadolint lints the Dockerfiles; kubernetes-validate checks every
manifest against the Kubernetes schema (strict: no unknown field); the compose file
and the manifests are read for what a clinic needs: every part, each secret from a
Secret, probes on the health endpoints, requests, sticky socket.io, one launcher."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from clinic import keys
from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"
TOOLS = ROOT / ".venv-deploy" / "bin"
KUBERNETES_VERSION = "1.30.0"


def tool(name: str) -> str:
    path = TOOLS / name
    if not path.exists():
        pytest.fail(f"{path} missing: `make test` installs it (make deploy-tools)")
    return str(path)


def manifests() -> List[Dict[str, Any]]:
    return [
        doc
        for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
        if doc
    ]


def test_the_dockerfiles_pass_hadolint():
    files = sorted(str(p) for p in (DEPLOY / "docker").glob("*.Dockerfile"))
    assert len(files) == 3
    result = subprocess.run(
        [tool("hadolint"), "--failure-threshold", "warning", "--no-color", *files],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_images_run_as_a_user_through_the_one_launcher():
    for path in (DEPLOY / "docker").glob("*.Dockerfile"):
        text = path.read_text(encoding="utf-8")
        final = text.rsplit("\nFROM ", 1)[1]  # the image that runs
        assert "USER 10001" in final, path.name
        assert '"services.launch", "one"' in final, path.name
        assert all(":latest" not in line for line in text.splitlines()), path.name


def test_the_manifests_match_the_kubernetes_schema():
    files = sorted(str(p) for p in (DEPLOY / "k8s").glob("*.yaml"))
    result = subprocess.run(
        [tool("kubernetes-validate"), "--strict", "-k", KUBERNETES_VERSION, *files],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_part_is_deployed_with_probes_requests_and_its_secrets():
    docs = manifests()
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    assert set(deployments) == {
        "clinic-rasa",
        "clinic-actions",
        "clinic-web",
        "clinic-reminders",
    }
    assert deployments["clinic-rasa"]["spec"]["replicas"] >= 2
    assert any(d["kind"] == "CronJob" for d in docs)  # retention
    for name in ("clinic-rasa", "clinic-actions", "clinic-web"):
        [container] = deployments[name]["spec"]["template"]["spec"]["containers"]
        assert container["readinessProbe"] and container["livenessProbe"], name
        assert container["resources"]["requests"]["memory"], name
    secret = next(d for d in docs if d["kind"] == "Secret")
    for which in keys.ALL:  # every key of the assistant comes from the Secret
        assert which.env_var in secret["stringData"], which.env_var
    ingress = next(d for d in docs if d["kind"] == "Ingress")
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"]


def test_the_compose_file_runs_two_rasa_servers_behind_sticky_nginx():
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))
    services = set(compose["services"])
    assert {
        "postgres",
        "redis",
        "nginx",
        "actions",
        "web",
        "reminders",
        "retention",
    } <= (services)
    assert {"rasa-1", "rasa-2"} <= services
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "ip_hash" in nginx and "client_max_body_size 64k" in nginx
    example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    for which in keys.ALL:
        assert f"{which.env_var}=" in example, which.env_var


def test_a_container_process_starts_through_the_launcher(tmp_path):
    """`python -m services.launch one NAME` (every image's command) knows each part."""
    from services.launch import ONE_PROCESS

    assert set(ONE_PROCESS) == {"rasa", "actions", "web", "retention", "reminders"}
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            "-m",
            "services.launch",
            "one",
            "nope",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "invalid choice" in result.stderr


def test_the_docs_say_what_was_and_was_not_exercised():
    text = Path(DEPLOY.parent / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "not exercised" in text
