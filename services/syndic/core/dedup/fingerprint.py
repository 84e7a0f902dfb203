"""Fingerprints: everything the decision needs from an article's text, computed in the parallel stage."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from syndic.core.model import NormalizedArticle


@dataclass(frozen=True, slots=True)
class Fingerprint:
    content_hash: str
    url: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fingerprint:
        return cls(**data)


class Fingerprinter:
    def compute(self, article: NormalizedArticle) -> Fingerprint:
        return Fingerprint(content_hash=article.content_hash, url=article.url)
