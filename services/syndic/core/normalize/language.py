"""Offline language detection with lingua, built once per process on a news-language set."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Building with every language is slow and memory-hungry; these cover the bulk of news feeds.
_CODES = "EN FR DE ES IT PT NL SV DA NB FI PL CS RU UK TR AR FA HE HI ZH JA KO ID VI EL RO HU"


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code) for code in _CODES.split()]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def detect(text: str, prefix_chars: int) -> str | None:
    """ISO 639-1 code of the text's first `prefix_chars` characters, or None when unsure."""
    sample = text[:prefix_chars]
    if len(sample) < 20:
        return None
    try:
        language = _detector().detect_language_of(sample)
    except Exception:
        return None
    return None if language is None else str(language.iso_code_639_1.name).lower()
