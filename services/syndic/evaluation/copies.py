"""Generated syndicated copies of real articles, labelled by kind, for near-duplicate recall."""

from __future__ import annotations

import html
import random
from typing import Any

KINDS = ("verbatim", "reformatted", "wrapped", "truncated", "edited")
# Kinds the targets are not set on (`syndic eval --more-copies`): ways a copy is made that the
# five above do not cover, to see how the decision carries over to copies made otherwise.
MORE_KINDS = ("lead", "cut_short", "paragraph_dropped", "paragraphs_swapped", "page", "reworded")

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
    if kind == "page":  # posted as the page's HTML, not as text
        del copy["text"]
        copy["html"] = _page(record["text"], record.get("title"))
        return copy
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


def _lead(text: str, rng: random.Random) -> str:
    """A teaser or brief: the first two paragraphs alone."""
    return "\n".join(_paragraphs(text)[:2])


def _cut_short(text: str, rng: random.Random) -> str:
    """A deeper cut than `truncated`: the first 20-40 % of the words."""
    words = text.split(" ")
    return " ".join(words[: max(10, int(len(words) * rng.uniform(0.2, 0.4)))])


def _paragraph_dropped(text: str, rng: random.Random) -> str:
    """One paragraph cut from the middle (the last one, when there are fewer than four)."""
    paragraphs = _paragraphs(text)
    if len(paragraphs) < 2:
        return text
    if len(paragraphs) < 4:
        return "\n".join(paragraphs[:-1])
    del paragraphs[rng.randrange(1, len(paragraphs) - 1)]
    return "\n".join(paragraphs)


def _paragraphs_swapped(text: str, rng: random.Random) -> str:
    """Two neighbouring paragraphs after the first change places."""
    paragraphs = _paragraphs(text)
    if len(paragraphs) < 3:
        return text
    at = rng.randrange(1, len(paragraphs) - 1)
    paragraphs[at], paragraphs[at + 1] = paragraphs[at + 1], paragraphs[at]
    return "\n".join(paragraphs)


def _reworded(text: str, rng: random.Random) -> str:
    """A heavier edit than `edited`: each word replaced, with a chance of 8 %, by another
    word of the same text (a copy desk's rewording, not a new article)."""
    words = text.split(" ")
    pool = [w for w in words if w]
    for position in range(len(words)):
        if rng.random() < 0.08:
            words[position] = rng.choice(pool)
    return " ".join(words)


def _page(text: str, title: str | None) -> str:
    """The text as another site's article page: navigation, headline, paragraphs, footer."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in _paragraphs(text))
    heading = f"<h1>{html.escape(title)}</h1>" if title else ""
    return (
        "<html><head><title>Copy</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article>{heading}{body}</article>"
        "<footer>Copyright 2026 Example Media. All rights reserved.</footer></body></html>"
    )


_TRANSFORMS = {
    "verbatim": _verbatim,
    "reformatted": _reformatted,
    "wrapped": _wrapped,
    "truncated": _truncated,
    "edited": _edited,
    "lead": _lead,
    "cut_short": _cut_short,
    "paragraph_dropped": _paragraph_dropped,
    "paragraphs_swapped": _paragraphs_swapped,
    "reworded": _reworded,
}
