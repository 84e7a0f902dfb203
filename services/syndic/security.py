"""Kafka TLS and SASL from settings, for aiokafka clients and for faust.

Passwords are read from their file when a connection is made, so they live in no settings dump
and no log line.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from syndic.settings import Settings


def sasl_password(settings: Settings) -> str:
    if settings.sasl_password_file:
        return Path(settings.sasl_password_file).read_text().strip()
    return settings.sasl_password


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if not settings.security_protocol.endswith("SSL"):
        return None
    context = ssl.create_default_context(cafile=settings.ssl_cafile or None)
    context.check_hostname = settings.ssl_check_hostname
    if settings.ssl_certfile:
        context.load_cert_chain(settings.ssl_certfile, settings.ssl_keyfile or None)
    return context


def aiokafka_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer / AIOKafkaConsumer / AIOKafkaAdminClient."""
    kwargs: dict[str, Any] = {"security_protocol": settings.security_protocol}
    context = ssl_context(settings)
    if context is not None:
        kwargs["ssl_context"] = context
    if settings.security_protocol.startswith("SASL"):
        kwargs["sasl_mechanism"] = settings.sasl_mechanism
        kwargs["sasl_plain_username"] = settings.sasl_username
        kwargs["sasl_plain_password"] = sasl_password(settings)
    return kwargs


def faust_credentials(settings: Settings) -> Any:
    """faust's `broker_credentials`: None, SSLCredentials or SASLCredentials."""
    import faust

    context = ssl_context(settings)
    if settings.security_protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=settings.sasl_username,
            password=sasl_password(settings),
            ssl_context=context,
            mechanism=settings.sasl_mechanism,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None
