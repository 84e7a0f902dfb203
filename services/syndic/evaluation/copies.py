"""Generated syndicated copies of real articles, labelled by kind, for near-duplicate recall."""

from __future__ import annotations

import random
from typing import Any

KINDS = ("verbatim", "reformatted", "wrapped", "truncated", "edited")

_BOILER_HEAD = [
    "Advertisement",
    "Subscribe to our newsletter for the latest headlines.",
    "This story was distributed by a wire service.",
]
_BOILER_TAIL = [
    "Copyright 2026. All rights reserved. This material may not be republished.",
    "Follow us on social media for more updates.",
    "Reporting by staff; editing by the news desk.",
]


def make_copy(record: dict[str, Any], kind: str, rng: random.Random) -> dict[str, Any]:
    copy = {k: v for k, v in record.items() if k in ("text", "title")}
    copy["source"] = "copy.example"
    copy["text"] = _TRANSFORMS[kind](record["text"], rng)
    return copy


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def _verbatim(text: str, rng: random.Random) -> str:
    return text


def _reformatted(text: str, rng: random.Random) -> str:
    """Whitespace, line breaks and quotes change; the words stay."""
    joined = "\n\n".join("  " + " ".join(p.split()) for p in _paragraphs(text))
    return joined.replace('"', "\u201c").replace("'", "\u2019")


def _wrapped(text: str, rng: random.Random) -> str:
    head = rng.sample(_BOILER_HEAD, 2)
    tail = rng.sample(_BOILER_TAIL, 2)
    return "\n".join([*head, text, *tail])


def _truncated(text: str, rng: random.Random) -> str:
    """A shortened syndicated copy: the first 40-80 % of the words."""
    words = text.split(" ")
    keep = max(10, int(len(words) * rng.uniform(0.4, 0.8)))
    return " ".join(words[:keep])


def _edited(text: str, rng: random.Random) -> str:
    """A few words changed or dropped (about 3 %), as a copy editor would."""
    words = text.split(" ")
    for _ in range(max(1, len(words) // 33)):
        position = rng.randrange(len(words))
        if rng.random() < 0.5:
            words[position] = "reportedly"
        else:
            words.pop(position)
    return " ".join(words)


_TRANSFORMS = {
    "verbatim": _verbatim,
    "reformatted": _reformatted,
    "wrapped": _wrapped,
    "truncated": _truncated,
    "edited": _edited,
}
