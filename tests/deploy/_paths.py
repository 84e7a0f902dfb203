"""Paths shared by the deploy tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_FILE = REPO / "docker-compose.yml"
COMPOSE_SCHEMA = REPO.parent / "shared" / "schemas" / "compose-spec.json"
PROM_DIR = DEPLOY / "prometheus"
RULE_FILES = sorted((PROM_DIR / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROM_DIR / "tests").glob("*.test.yml"))
PROM_CONFIG = PROM_DIR / "prometheus.yml"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "syndic.json"
K8S_DIR = DEPLOY / "k8s"


def require_tool(name: str) -> str:
    """Path of a command-line tool, failing (not skipping) with a clear message."""
    path = shutil.which(name)
    if path is None:
        raise AssertionError(
            f"{name} is not on PATH: run `scripts/install-test-tools.sh` "
            "(installs Debian's prometheus package) before the deploy tests"
        )
    return path


def dashboard_exprs() -> list[tuple[str, str]]:
    """(panel title, PromQL) for every target of the Grafana dashboard."""
    dash = json.loads(DASHBOARD.read_text())
    out = []
    for panel in dash["panels"]:
        for target in panel.get("targets", []):
            out.append((panel["title"], target["expr"]))
    return out


def rule_exprs() -> list[tuple[str, str]]:
    """(rule name, PromQL) for every alert and recording rule."""
    out = []
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                out.append((rule.get("alert") or rule["record"], rule["expr"]))
    return out
