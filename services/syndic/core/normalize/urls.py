"""Canonical URLs: the same page must look the same whoever shared it and through what."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "cmpid",
        "ocid",
        "sr_share",
    }
)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith(("utm_", "pk_")) or lowered in _TRACKING


def canonical_url(value: object) -> str | None:
    """Lower-case scheme and host, no fragment or default port, tracking removed, query sorted."""
    if not isinstance(value, str) or not value.strip() or len(value) > 4096:
        return None
    try:
        parts = urlsplit(value.strip())
        host = (parts.hostname or "").lower()
        if not parts.scheme or not host:
            return None
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    netloc = (
        host
        if port is None or (scheme, port) in {("http", 80), ("https", 443)}
        else (f"{host}:{port}")
    )
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))
