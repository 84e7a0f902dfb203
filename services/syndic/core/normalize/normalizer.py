"""Minimal normalizer (foundation slice): NFC, whitespace, content hash.

The full normalizer (boilerplate, HTML, metadata) replaces the body of `Normalizer.normalize`
but keeps this signature: the stream and the batch command both call exactly this.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from syndic.core.model import NormalizedArticle, RejectedInput, RejectReason

_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{2,}")
_NON_WORD = re.compile(r"[^\w\s]+")


@dataclass(frozen=True, slots=True)
class NormalizeSettings:
    max_text_chars: int = 500_000


class BoilerplateMemory:
    """Per-source memory of repeated lines, kept in a store passed in (dict or faust table)."""

    def __init__(self, store: MutableMapping[str, Any]) -> None:
        self.store = store


class Normalizer:
    def __init__(self, settings: NormalizeSettings | None = None) -> None:
        self.settings = settings or NormalizeSettings()

    def normalize(
        self, raw: Mapping[str, Any], memory: BoilerplateMemory | None = None
    ) -> NormalizedArticle:
        text = raw.get("text") or ""
        if len(text) > self.settings.max_text_chars:
            raise RejectedInput(RejectReason.TOO_LARGE, f"text has {len(text)} characters")
        text = unicodedata.normalize("NFC", text)
        lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
        text = "\n".join(line for line in lines if line)
        if not text:
            raise RejectedInput(RejectReason.EMPTY_AFTER_CLEANING, "no text left after cleaning")
        fingerprint_text = " ".join(_NON_WORD.sub(" ", text.casefold()).split())
        content_hash = hashlib.sha256(fingerprint_text.encode()).hexdigest()[:32]
        return NormalizedArticle(
            id=str(raw["id"]),
            source=str(raw["source"]),
            text=text,
            fingerprint_text=fingerprint_text,
            content_hash=content_hash,
            word_count=len(fingerprint_text.split()),
            title=raw.get("title"),
            url=raw.get("url"),
            published_at=raw.get("published_at"),
            fetched_at=raw.get("fetched_at"),
            lang=raw.get("lang"),
            meta=dict(raw.get("meta") or {}),
        )
