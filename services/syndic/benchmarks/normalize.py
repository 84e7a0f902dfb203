"""Normalizer speed: plain-text and HTML articles/s on one core, on generated 3-8 KB articles.

Run: python -m syndic.benchmarks.normalize [--articles N] [--seed S]
"""

from __future__ import annotations

import argparse
import contextlib
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from syndic.core.model import RejectedInput
from syndic.core.normalize import BoilerplateMemory, Normalizer

_TEXT = (
    "the minister said on monday that talks with officials would continue next week as "
    "markets reacted to reports of new trade measures while analysts warned growth could "
    "slow further in the coming months after heavy rain flooded roads across the region and "
    "residents were told to stay indoors council members voted to approve the budget plan"
)
_WORDS = _TEXT.split()


def _sentence(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(12, 28))
    return " ".join(words).capitalize() + "."


def _paragraphs(rng: random.Random, target_bytes: int) -> list[str]:
    paragraphs: list[str] = []
    while sum(len(p) for p in paragraphs) < target_bytes:
        paragraphs.append(" ".join(_sentence(rng) for _ in range(rng.randint(2, 4))))
    return paragraphs


def plain_article(rng: random.Random, index: int) -> dict[str, Any]:
    body = _paragraphs(rng, rng.randint(3_000, 4_800))
    text = "\n\n".join(
        [
            "News / World",
            f"Officials weigh new measures in story {index} | Daily Example",
            f"Published: {rng.randint(1, 28)} Jul. 2021, 19:{rng.randint(10, 59)}",
            *body,
            "Related Articles",
            "Share this article",
            "© 2021 Example Media. All rights reserved.",
        ]
    )
    return {"id": index, "source": f"src{index % 10}", "text": text}


def html_article(rng: random.Random, index: int) -> dict[str, Any]:
    body = "".join(f"<p>{p}</p>" for p in _paragraphs(rng, rng.randint(3_000, 6_000)))
    html = (
        f"<html><head><title>Story {index} | Example</title>"
        '<meta property="article:published_time" content="2021-07-11T19:04:00Z"></head>'
        '<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>Story {index}</h1>{body}</article>"
        "<footer>© 2021 Example Media. Contact us.</footer></body></html>"
    )
    return {"id": index, "source": f"src{index % 10}", "html": html}


def measure(
    normalizer: Normalizer, articles: Sequence[dict[str, Any]], memory: BoilerplateMemory | None
) -> float:
    """Articles per second, one thread, after one warm-up call (detector and imports)."""
    _safe(normalizer.normalize, articles[0], memory)
    started = time.process_time()
    for article in articles:
        _safe(normalizer.normalize, article, memory)
    return len(articles) / (time.process_time() - started)


def _safe(
    call: Callable[[dict[str, Any], BoilerplateMemory | None], Any],
    article: dict[str, Any],
    memory: BoilerplateMemory | None,
) -> None:
    with contextlib.suppress(RejectedInput):
        call(article, memory)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m syndic.benchmarks.normalize")
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--html-articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    plain = [plain_article(rng, i) for i in range(args.articles)]
    html = [html_article(rng, i) for i in range(args.html_articles)]
    normalizer = Normalizer()
    avg_plain = sum(len(a["text"]) for a in plain) / len(plain)
    avg_html = sum(len(a["html"]) for a in html) / len(html)
    plain_rate = measure(normalizer, plain, BoilerplateMemory({}))
    plain_bare = measure(normalizer, plain, None)
    html_rate = measure(normalizer, html, BoilerplateMemory({}))
    print(
        f"plain text: {plain_rate:,.0f} articles/s per core with memory "
        f"({plain_bare:,.0f} without), {len(plain)} articles, avg {avg_plain:,.0f} chars"
    )
    print(
        f"html:       {html_rate:,.0f} articles/s per core, "
        f"{len(html)} articles, avg {avg_html:,.0f} chars"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
