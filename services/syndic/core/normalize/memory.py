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
offset. The memory counts an article id once: for the source's last `recent_answers` articles
(128) it keeps which lines each one lost, and an id seen again loses those lines again and
changes no count. Batch runs follow the same rule, so batch and stream agree. Updates depend
only on the order of articles.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
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
        recent_answers: int = 128,
    ) -> None:
        self.store = store
        self.width = width
        self.depth = depth
        self.age_every = age_every
        self.recent_answers = recent_answers

    def repeated(
        self, source: str, article_id: str, lines: list[str], min_repeats: int
    ) -> set[str]:
        """The lines of this article that `min_repeats` earlier articles of `source` carried;
        then the article is counted, once per id."""
        sketch = self._sketch(source)
        forms = {line: fingerprint_form(line) for line in lines}
        lost = sketch["recent"].get(article_id)
        if lost is not None:
            return {line for line, form in forms.items() if form and _hash(form) in lost}
        places = {form: self._cells(form) for form in set(forms.values()) - {""}}
        found = {
            line
            for line, form in forms.items()
            if form and self._count(sketch, places[form]) >= min_repeats
        }
        answer = sorted({_hash(forms[line]) for line in found})
        self._record(source, sketch, places.values(), (article_id, answer))
        return found

    def count(self, source: str, line: str) -> int:
        """How many earlier articles of `source` carried `line` (never under-counted)."""
        form = fingerprint_form(line)
        return self._count(self._sketch(source), self._cells(form)) if form else 0

    def record(self, source: str, lines: list[str]) -> None:
        """Count each distinct line once for an article that has no id."""
        forms = {fingerprint_form(line) for line in lines} - {""}
        self._record(source, self._sketch(source), map(self._cells, forms), None)

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

    def _count(self, sketch: dict[str, Any], places: list[str]) -> int:
        cells: dict[str, int] = sketch["cells"]
        return min(cells.get(cell, 0) for cell in places)

    def _record(
        self,
        source: str,
        sketch: dict[str, Any],
        places: Iterable[list[str]],
        answer: tuple[str, list[int]] | None,
    ) -> None:
        """Count once each distinct line, given by its cells in the sketch's rows."""
        cells: dict[str, int] = sketch["cells"]
        for line_cells in places:
            for cell in line_cells:
                cells[cell] = cells.get(cell, 0) + 1
        articles = int(sketch["articles"]) + 1
        if articles >= self.age_every:  # age: halve every counter, drop the zeros
            cells = {cell: n // 2 for cell, n in cells.items() if n // 2}
            articles = 0
        sketch.update(articles=articles, cells=cells)
        if answer is not None:
            recent: dict[str, list[int]] = sketch["recent"]
            recent[answer[0]] = answer[1]
            while len(recent) > self.recent_answers:
                del recent[next(iter(recent))]
        self.store[f"bp:{source}"] = sketch


def _hash(form: str) -> int:
    return xxhash.xxh32_intdigest(form.encode())
