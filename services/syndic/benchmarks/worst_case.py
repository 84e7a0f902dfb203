"""The longest one article can hold a worker: the largest inputs the limits admit, in shapes
that defeat the caches (every word new, every token a name or a number, scripts whose words
go through wordfreq's tokenizer or a segmenter), each prepared and decided once, cold.

The worker stays in its group meanwhile (faust's consumer, and so its heartbeats, run in a
thread of their own), but every article behind it in that worker waits this long: run it
after changing a step that is linear in the text or worse.

Run: python -m syndic.benchmarks.worst_case [--json PATH] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import string
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from syndic.batch import build_decider, build_preparer
from syndic.core.model import RejectedInput
from syndic.core.normalize.normalizer import NormalizeSettings
from syndic.settings import Settings

_TEXT_CHARS = 490_000  # just below the normalizer's limit (max_text_chars)
_PARAGRAPH_CHARS = 400  # ~1,200 paragraphs, below max_paragraphs


def _paragraphs(text: str) -> str:
    text = text[:_TEXT_CHARS]
    return "\n".join(text[i : i + _PARAGRAPH_CHARS] for i in range(0, len(text), _PARAGRAPH_CHARS))


def _words(rng: random.Random, alphabet: str, length: tuple[int, int], joiner: str = " ") -> str:
    words: list[str] = []
    size = 0
    while size < _TEXT_CHARS:
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(*length)))
        words.append(word)
        size += len(word) + len(joiner)
    return joiner.join(words)


def _page(text: str) -> str:
    """A page of 500-character paragraphs, the text three times over (~1.5 MB)."""
    paragraphs = "".join(f"<p>{text[i : i + 500]}</p>" for i in range(0, len(text), 500))
    return f"<html><body>{paragraphs * 3}</body></html>"


def _tiny_elements(rng: random.Random, size: int, tags: int | None = None) -> str:
    """A page of one-word elements (two tags each, ~18 characters), cut at `size` characters
    or before its `tags`-th "<": trafilatura's pruning and metadata passes are linear in the
    tags (~19 µs each), so this is its slowest shape per byte. At the html limit it has
    ~216,000 tags, over the tag limit (`max_html_tags`)."""
    words = _words(rng, string.ascii_lowercase, (2, 9)).split()
    page = f"<html><body>{''.join(f'<span>{word}</span>' for word in words * 2)}"[:size]
    if tags is not None:
        cut = -1
        for _ in range(tags - 1):  # the closing tags below add two more
            cut = page.index("<", cut + 1)
        page = page[:cut]
    return page + "</body></html>"


_CYRILLIC = "абвгдежзийклмнопрстуфх"
_ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_CJK = "".join(chr(code) for code in range(0x4E00, 0x4E00 + 3000))
_KANA = "".join(chr(code) for code in range(0x3041, 0x3097))


def _cases(rng: random.Random) -> dict[str, Callable[[], dict[str, Any]]]:
    latin = string.ascii_lowercase
    return {
        "latin, every word new": lambda: {"text": _paragraphs(_words(rng, latin, (2, 9)))},
        "latin, every word a name": lambda: {
            "text": _paragraphs(_words(rng, latin, (2, 9)).title())
        },
        "numbers": lambda: {"text": _paragraphs(_words(rng, string.digits, (3, 10)))},
        "cyrillic": lambda: {"text": _paragraphs(_words(rng, _CYRILLIC, (3, 9)))},
        "arabic": lambda: {"text": _paragraphs(_words(rng, _ARABIC, (3, 8)))},
        "chinese (jieba)": lambda: {
            "text": _paragraphs(_words(rng, _CJK, (8, 30), "。")),
            "lang": "zh",
        },
        "japanese (MeCab)": lambda: {
            "text": _paragraphs(_words(rng, _KANA + _CJK[:500], (8, 30), "。")),
            "lang": "ja",
        },
        "50,000-character lines": lambda: {"text": "\n".join(["x" * 49_000] * 10)},
        "html page of paragraphs": lambda: {"html": _page(_words(rng, latin, (2, 9)))},
        "html, one-word elements": lambda: {"html": _tiny_elements(rng, 1_990_000)},
        "html, the same to the tag limit": lambda: {
            "html": _tiny_elements(rng, 1_990_000, tags=NormalizeSettings().max_html_tags)
        },
    }


def run(seed: int = 8) -> list[dict[str, Any]]:
    settings = Settings()
    preparer, decider = build_preparer(settings), build_decider(settings)
    warm = {"id": "warm", "source": "s", "text": "A council closed the bridge on Monday."}
    decider.decide(preparer.prepare(warm, ingested_at=datetime.now(UTC)), sequence=0)
    rows = []
    for sequence, (name, make) in enumerate(_cases(random.Random(seed)).items(), start=1):
        raw = {"id": f"case-{sequence}", "source": "s", **make()}
        size = len(raw.get("text") or raw.get("html") or "")
        started = time.perf_counter()
        outcome = "accepted"
        decide_ms = 0.0
        try:
            prepared = preparer.prepare(raw, ingested_at=datetime.now(UTC))
            prepared_at = time.perf_counter()
            decider.decide(prepared, sequence=sequence)
            decide_ms = 1e3 * (time.perf_counter() - prepared_at)
            prepare_ms = 1e3 * (prepared_at - started)
        except RejectedInput as rejected:
            prepare_ms = 1e3 * (time.perf_counter() - started)
            outcome = f"rejected ({rejected.reason.value})"
        rows.append(
            {
                "case": name,
                "characters": size,
                "prepare_ms": round(prepare_ms, 1),
                "decide_ms": round(decide_ms, 1),
                "outcome": outcome,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", help="write the rows here")
    args = parser.parse_args(argv)
    rows = run(args.seed)
    print(f"{'case':26s} {'characters':>10s} {'prepare ms':>10s} {'decide ms':>9s}  outcome")
    for row in rows:
        print(
            f"{row['case']:26s} {row['characters']:>10,d} {row['prepare_ms']:>10.1f}"
            f" {row['decide_ms']:>9.1f}  {row['outcome']}"
        )
    worst = max(rows, key=lambda row: row["prepare_ms"] + row["decide_ms"])
    print(f"longest: {worst['case']}, {worst['prepare_ms'] + worst['decide_ms']:.0f} ms")
    if args.json:
        with open(args.json, "wb") as out:
            out.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
