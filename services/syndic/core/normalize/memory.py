"""Per-source memory of repeated lines: what a source sends in many articles is its boilerplate.

The store is a dict (batch) or a faust Table (stream). Each source is one key, `bp:<source>`,
whose value (plain JSON) holds everything the memory knows of that source: a count-min sketch
of its lines (`depth` rows of `width` counters; only non-zero counters are kept, so a source
never holds more than width*depth), how many articles it sent since the counters last aged, and
which lines its recent articles lost.

One value per source, not one key per counter, because a table write is a changelog record:
- A batch's writes leave as one record per source, and a record is written whole. With a key
  per counter (~20 records per article) a crash in the middle of a batch's changelog could
  keep some counts of an article and lose others, and every restart replayed them all.
- The counts, the aging and the record of which articles were counted move together, which is
  what makes a redelivery safe (below).

The counters age: every `age_every` articles of a source, each of its counters is halved (and
dropped at zero). Without that the sketch fills up: 12 head/tail lines per article add ~24
counts, so after ~1,000 articles of one source the average counter is near 3, and a line the
source had never sent would read as "seen 3 times" in about a third of cases and be cut as
boilerplate. With halving every 128 articles the average stays under 1 (a fresh line reads 3+
in well under 1% of cases), while a line in every article climbs by 128 per period and never
falls below the threshold.

In the stream an article can be prepared more than once: a batch whose memory reached the
changelog is redelivered when a worker stops before committing its offsets, and an article
the ingest stage routed twice (the same redelivery, one hop earlier) arrives again at another
offset. The memory counts an article id once: for the source's last `age_every` articles it
keeps which lines each one lost, and an id seen again loses those lines again and changes no
count. Batch runs follow the same rule, so batch and stream agree. Updates depend only on the
order of articles.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import xxhash

from syndic.core.normalize.hygiene import fingerprint_form


class BoilerplateMemory:
    """Counts, per source, in how many articles each short head/tail line appeared."""

    def __init__(
        self,
        store: MutableMapping[str, Any],
        *,
        width: int = 4096,
        depth: int = 2,
        age_every: int = 128,
    ) -> None:
        self.store = store
        self.width = width
        self.depth = depth
        self.age_every = age_every

    def repeated(
        self, source: str, article_id: str, lines: list[str], min_repeats: int
    ) -> set[str]:
        """The lines of this article that `min_repeats` earlier articles of `source` carried;
        then the article is counted, once per id."""
        sketch = self._sketch(source)
        lost = sketch["recent"].get(article_id)
        if lost is not None:
            return {line for line in lines if _form_hash(line) in lost}
        found = {line for line in lines if self._count(sketch, line) >= min_repeats}
        self._record(source, sketch, lines, article_id, found)
        return found

    def count(self, source: str, line: str) -> int:
        """How many earlier articles of `source` carried `line` (never under-counted)."""
        return self._count(self._sketch(source), line)

    def record(self, source: str, lines: list[str], article_id: str | None = None) -> None:
        """Count each distinct line once for this article."""
        self._record(source, self._sketch(source), lines, article_id, set())

    def _sketch(self, source: str) -> dict[str, Any]:
        sketch: dict[str, Any] | None = self.store.get(f"bp:{source}")
        if sketch is None:
            return {"articles": 0, "cells": {}, "recent": {}}
        return sketch

    def _cells(self, form: str) -> list[str]:
        digest = xxhash.xxh3_128_intdigest(form.encode())
        return [
            str(row * self.width + (digest >> (row * 32)) % self.width) for row in range(self.depth)
        ]

    def _count(self, sketch: dict[str, Any], line: str) -> int:
        form = fingerprint_form(line)
        if not form:
            return 0
        cells: dict[str, int] = sketch["cells"]
        return min(cells.get(cell, 0) for cell in self._cells(form))

    def _record(
        self,
        source: str,
        sketch: dict[str, Any],
        lines: list[str],
        article_id: str | None,
        lost: set[str],
    ) -> None:
        cells: dict[str, int] = sketch["cells"]
        for form in {fingerprint_form(line) for line in lines} - {""}:
            for cell in self._cells(form):
                cells[cell] = cells.get(cell, 0) + 1
        articles = int(sketch["articles"]) + 1
        if articles >= self.age_every:  # age: halve every counter, drop the zeros
            cells = {cell: n // 2 for cell, n in cells.items() if n // 2}
            articles = 0
        sketch.update(articles=articles, cells=cells)
        if article_id is not None:
            recent: dict[str, list[int]] = sketch["recent"]
            recent[article_id] = sorted({_form_hash(line) for line in lost})
            while len(recent) > self.age_every:
                del recent[next(iter(recent))]
        self.store[f"bp:{source}"] = sketch


def _form_hash(line: str) -> int:
    return xxhash.xxh32_intdigest(fingerprint_form(line).encode())
