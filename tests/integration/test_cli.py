"""The commands as a user runs them, against the session's Tansu broker."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest

from syndic.samples.demo import demo_records
from tests.conftest import isolated_settings, make_topics, read_topic, settings_env

pytestmark = pytest.mark.broker


def syndic(*args: str, env: dict[str, str] | None = None, timeout: float = 180):
    return subprocess.run(
        [sys.executable, "-m", "syndic", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        timeout=timeout,
    )


def test_topics_create_then_list_shows_explicit_partitions(tansu):
    settings = isolated_settings(tansu, raw_partitions=8)
    env = settings_env(settings)
    created = syndic("topics", "create", env=env)
    assert created.returncode == 0, created.stderr
    assert f"created {settings.topic_raw} (8 partitions)".encode() in created.stdout
    again = syndic("topics", "create", env=env)
    assert f"exists  {settings.topic_raw}".encode() in again.stdout
    listed = syndic("topics", "list", "--broker", tansu.bootstrap, env=env)
    rows = dict(line.split("\t") for line in listed.stdout.decode().splitlines())
    assert rows[settings.topic_raw] == "8"
    assert rows[settings.internal("sequenced")] == "1"


def test_produce_files_then_tail_as_json(tansu, start_worker, tmp_path):
    settings = isolated_settings(tansu)
    make_topics(settings)
    start_worker(settings)
    (tmp_path / "one.txt").write_text("A tram line opened in the old town on Sunday morning.\n")
    (tmp_path / "more.jsonl").write_bytes(b"\n".join(demo_records()[:2]) + b"\n")
    env = settings_env(settings)
    produced = syndic("produce", str(tmp_path / "one.txt"), str(tmp_path / "more.jsonl"), env=env)
    assert produced.returncode == 0, produced.stderr
    assert b"sent 3, failed 0" in produced.stderr
    read_topic(settings, settings.topic_clean, 3, timeout=90)  # the worker has caught up
    tailed = syndic("tail", settings.topic_clean, "--json", "--idle-exit", "8", env=env)
    events = [orjson.loads(line) for line in tailed.stdout.splitlines()]
    assert {e["source"] for e in events} >= {"one.txt", "harbor-gazette", "coastal-wire"}
    table = syndic("tail", settings.topic_clean, "--idle-exit", "3", env=env)
    assert b"harbor-gazette" in table.stdout


def test_produce_fails_with_a_clear_message_for_a_missing_path(tansu, tmp_path):
    result = syndic("produce", str(tmp_path / "absent.jsonl"), "--broker", tansu.bootstrap)
    assert result.returncode == 2
    assert b"not found" in result.stderr


def test_a_bad_setting_stops_start_up_with_its_name():
    result = syndic("worker", env={"SYNDIC_WEB_PORT": "not-a-port"}, timeout=60)
    assert result.returncode == 2
    assert b"web_port" in result.stderr and b"SYNDIC_WEB_PORT" in result.stderr


def test_demo_against_a_given_broker_prints_every_verdict(tansu):
    result = syndic("demo", "--broker", tansu.bootstrap, env={"SYNDIC_SESSION_TIMEOUT_S": "6"})
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    assert "every record came out" in out
    assert "exact" in out and "harbor-1" in out and "invalid_json" in out


def test_dedup_command_reads_stdin_and_keeps_line_order():
    lines = demo_records()
    result = subprocess.run(
        [sys.executable, "-m", "syndic", "dedup", "-"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    assert [o.get("id") for o in out[:5]] == [
        "harbor-1",
        "wire-7",
        "lantern-3",
        "metro-9",
        "valley-2",
    ]
    assert out[1]["dedup"] == {**out[1]["dedup"], "status": "exact", "duplicate_of": "harbor-1"}
    assert out[5]["reason"] == "invalid_json" and out[5]["origin"]["line"] == 6
