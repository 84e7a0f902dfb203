"""An agent that raises stops the worker; it is never restarted in place with its batch unacked."""

from __future__ import annotations

import mode

from syndic.settings import load_settings
from syndic.stream.app import build_app


def test_every_agent_is_supervised_by_a_supervisor_that_crashes_the_worker() -> None:
    app = build_app(load_settings(env={}))
    strategies = {
        name: agent._get_supervisor_strategy() for name, agent in app.faust.agents.items()
    }
    assert strategies == {
        "syndic.ingest": mode.CrashingSupervisor,
        "syndic.prepare": mode.CrashingSupervisor,
        "syndic.decide": mode.CrashingSupervisor,
    }
