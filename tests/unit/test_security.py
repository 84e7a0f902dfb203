"""TLS/SASL settings: validated at start-up, turned into client arguments, never printed."""

from __future__ import annotations

import ssl

import pytest

from syndic.security import aiokafka_kwargs, faust_credentials
from syndic.settings import SettingsError, load_settings


def test_plaintext_by_default():
    settings = load_settings(env={})
    assert aiokafka_kwargs(settings) == {"security_protocol": "PLAINTEXT"}
    assert faust_credentials(settings) is None


def test_sasl_scram_reads_the_password_file_and_hides_it(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("s3cret-value\n")
    env = {"SYNDIC_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "SYNDIC_SASL_MECHANISM": "SCRAM-SHA-512",
           "SYNDIC_SASL_USERNAME": "syndic", "SYNDIC_SASL_PASSWORD_FILE": str(secret)}  # fmt: skip
    settings = load_settings(env=env)
    kwargs = aiokafka_kwargs(settings)
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert kwargs["sasl_plain_password"] == "s3cret-value"
    assert "s3cret" not in repr(settings)
    assert faust_credentials(settings).mechanism.value == "SCRAM-SHA-512"


def test_password_from_env_is_not_in_repr():
    env = {"SYNDIC_SECURITY_PROTOCOL": "SASL_SSL", "SYNDIC_SASL_USERNAME": "u",
           "SYNDIC_SASL_PASSWORD": "hunter2"}  # fmt: skip
    settings = load_settings(env=env)
    assert "hunter2" not in repr(settings)
    assert isinstance(aiokafka_kwargs(settings)["ssl_context"], ssl.SSLContext)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SYNDIC_SSL_CAFILE": "/nonexistent/ca.pem"}, "'ssl_cafile': file /nonexistent/ca.pem"),
        ({"SYNDIC_SECURITY_PROTOCOL": "SASL_SSL", "SYNDIC_SASL_USERNAME": "u",
          "SYNDIC_SASL_PASSWORD_FILE": "/run/secrets/missing"}, "'sasl_password_file'"),
        ({"SYNDIC_SECURITY_PROTOCOL": "SASL_SSL", "SYNDIC_SASL_USERNAME": "u"}, "SASL needs"),
        ({"SYNDIC_SECURITY_PROTOCOL": "TLS"}, "'security_protocol' must be one of"),
        ({"SYNDIC_SECURITY_PROTOCOL": "SASL_SSL", "SYNDIC_SASL_USERNAME": "u",
          "SYNDIC_SASL_PASSWORD": "p", "SYNDIC_SASL_MECHANISM": "GSSAPI"}, "'sasl_mechanism'"),
        ({"SYNDIC_SSL_CERTFILE": __file__}, "go together"),
    ],
)  # fmt: skip
def test_misconfigured_security_stops_start_up(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env=env)
