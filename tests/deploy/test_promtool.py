"""promtool: rule syntax, rule unit tests (each alert fires and stays quiet), config."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import yaml

from tests.deploy._paths import (
    PROM_CONFIG,
    PROM_DIR,
    RULE_FILES,
    RULE_TESTS,
    require_tool,
)

ALERTS = {
    "SyndicConsumerLagHigh",
    "SyndicPartitionStalled",
    "SyndicDLQRateHigh",
    "SyndicEndToEndLatencyHigh",
    "SyndicNoWorkerUp",
}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, timeout=120, cwd=PROM_DIR, check=False
    )


def test_promtool_check_rules() -> None:
    promtool = require_tool("promtool")
    assert RULE_FILES
    res = _run(promtool, "check", "rules", *map(str, RULE_FILES))
    assert res.returncode == 0, res.stdout + res.stderr


def test_promtool_test_rules() -> None:
    promtool = require_tool("promtool")
    assert RULE_TESTS
    res = _run(promtool, "test", "rules", *map(str, RULE_TESTS))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "SUCCESS" in res.stdout + res.stderr


def test_every_alert_has_fire_and_no_fire_cases() -> None:
    alerts_in_rules = {
        rule["alert"]
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    assert alerts_in_rules == ALERTS
    fired: set[str] = set()
    quiet: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (fired if check.get("exp_alerts") else quiet).add(check["alertname"])
    assert fired >= ALERTS, f"alerts never shown firing: {ALERTS - fired}"
    assert quiet >= ALERTS, f"alerts never shown quiet: {ALERTS - quiet}"


def test_promtool_check_config() -> None:
    promtool = require_tool("promtool")
    config = yaml.safe_load(PROM_CONFIG.read_text())
    assert config["rule_files"] == ["/etc/prometheus/rules/*.yml"]
    res = _run(promtool, "check", "config", "--syntax-only", str(PROM_CONFIG))
    assert res.returncode == 0, res.stdout + res.stderr
    # Full check (rules included): the compose file mounts deploy/prometheus/rules at
    # /etc/prometheus/rules; point the same config at this repo's rules.
    config["rule_files"] = [str(PROM_DIR / "rules" / "*.yml")]
    with tempfile.TemporaryDirectory(prefix="syndic-promcfg-") as tmp:
        local = Path(tmp) / "prometheus.yml"
        local.write_text(yaml.safe_dump(config))
        res = _run(promtool, "check", "config", str(local))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "SUCCESS: 2 rule files found" in res.stdout + res.stderr, res.stdout
    targets = config["scrape_configs"][0]["static_configs"][0]["targets"]
    assert config["scrape_configs"][0]["job_name"] == "syndic"
    assert targets == ["worker-1:6066", "worker-2:6066"]
