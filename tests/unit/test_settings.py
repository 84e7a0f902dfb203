"""Settings: precedence of flags over env over config file, and clear errors for bad values."""

from __future__ import annotations

import pytest

from syndic.settings import Settings, SettingsError, load_settings, namespaced


def test_defaults_are_valid():
    settings = load_settings(env={})
    assert settings.topic_raw == "articles.raw"
    assert settings.internal("sequenced") == "syndic.sequenced"
    assert settings.window.total_seconds() == 72 * 3600


def test_flag_beats_env_beats_file(tmp_path):
    config = tmp_path / "syndic.toml"
    config.write_text('[syndic]\nbroker = "file:1"\nweb_port = 7000\nwindow_hours = 24\n')
    env = {"SYNDIC_BROKER": "env:2", "SYNDIC_WEB_PORT": "7100"}
    settings = load_settings(overrides={"broker": "flag:3"}, env=env, config_file=config)
    assert settings.broker == "kafka://flag:3"
    assert settings.bootstrap_servers == "flag:3"
    assert settings.web_port == 7100
    assert settings.window_hours == 24


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SYNDIC_WEB_PORT": "http"}, "'web_port' from \\$SYNDIC_WEB_PORT"),
        ({"SYNDIC_WEB_PORT": "70000"}, "'web_port' must be a TCP port"),
        ({"SYNDIC_WINDOW_HOURS": "0"}, "'window_hours' must be positive"),
        ({"SYNDIC_HEARTBEAT_INTERVAL_S": "30"}, "'heartbeat_interval_s' must be below"),
        ({"SYNDIC_PACK_ARTICLES": "0"}, "'pack_articles' must be from 1 to 1000"),
        ({"SYNDIC_PACK_ARTICLES": "1001"}, "'pack_articles' must be from 1 to 1000"),
        ({"SYNDIC_NEAR_CONTAINMENT": "1.5"}, "'near_containment' must be from 0 to 1"),
        ({"SYNDIC_STORY_THRESHOLD": "-0.1"}, "'story_threshold' must not be negative"),
        ({"SYNDIC_MIN_NEAR_SHINGLES": "0"}, "'min_near_shingles' must be positive"),
    ],
)
def test_bad_values_name_the_setting(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env=env)


def test_unknown_key_in_config_file_is_an_error(tmp_path):
    config = tmp_path / "syndic.toml"
    config.write_text("[syndic]\nwindow_hour = 3\n")
    with pytest.raises(SettingsError, match="unknown setting 'window_hour'"):
        load_settings(env={}, config_file=config)


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(env={}, config_file=tmp_path / "nope.toml")


def test_several_brokers_keep_their_order():
    settings = load_settings(overrides={"broker": "a:1, b:2"}, env={})
    assert settings.bootstrap_servers == "a:1,b:2"


def test_namespaced_runs_share_no_topic_or_group() -> None:
    """Tests, benchmark and chaos runs share one broker: every name a worker uses must move."""
    one = load_settings(overrides=namespaced("run1"), env={})
    two = load_settings(overrides=namespaced("run2"), env={})
    names = ("app_id", "topic_raw", "topic_clean", "topic_unique", "topic_duplicates", "topic_dlq")
    for settings in (one, two):
        assert settings.internal("sequenced") != Settings().internal("sequenced")
        assert all(getattr(settings, n) != getattr(Settings(), n) for n in names)
    assert not {getattr(one, n) for n in names} & {getattr(two, n) for n in names}


def test_the_decision_s_thresholds_reach_the_core() -> None:
    from syndic.batch import build_decider

    settings = load_settings(
        env={"SYNDIC_STORY_THRESHOLD": "0.4", "SYNDIC_NEAR_RESEMBLANCE": "0.7"}
    )
    dedup = build_decider(settings).deduplicator.settings
    assert (dedup.story_threshold, dedup.near_resemblance) == (0.4, 0.7)
    assert dedup.near_containment_min_resemblance == 0.1
