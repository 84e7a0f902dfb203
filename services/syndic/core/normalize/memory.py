"""Per-source memory of repeated lines: what a source sends in many articles is its boilerplate.

The store is a dict (batch) or a faust Table (stream). Each source is one key, `bp:<source>`,
whose value (plain JSON) holds everything the memory knows of that source: a count-min sketch
of its lines (`depth` rows of `width` counters; only non-zero counters are kept, so a source
never holds more than width*depth), how many articles it sent since the counters last aged, the
position of the last article counted, and which lines recent articles lost.

One value per source, not one key per counter, because a table write is a changelog record:
- A batch's writes leave as one record per source, and a record is written whole. With a key
  per counter (~20 records per article) a crash in the middle of a batch's changelog could
  keep some counts of an article and lose others, and every restart replayed them all.
- The counts, the aging and the position of the last article counted move together, which is
  what makes a redelivery safe (below).

The counters age: every `age_every` articles of a source, each of its counters is halved (and
dropped at zero). Without that the sketch fills up: 12 head/tail lines per article add ~24
counts, so after ~1,000 articles of one source the average counter is near 3, and a line the
source had never sent would read as "seen 3 times" in about a third of cases and be cut as
boilerplate. With halving every 128 articles the average stays under 1 (a fresh line reads 3+
in well under 1% of cases), while a line in every article climbs by 128 per period and never
falls below the threshold.

In the stream an article can be prepared twice: a batch whose memory reached the changelog is
redelivered when the worker stops before committing its offsets. An article at or before the
source's last counted position (same partition) is not counted again, and it loses the lines it
lost the first time: the memory keeps that answer for the source's last `age_every` articles.
The position holds the partition: after a change of partition count a source's articles come
from another partition, whose offsets say nothing about this one's. Batch runs have no
positions and count every article. Updates depend only on the order of articles, which makes
batch and stream agree.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any, NamedTuple

import xxhash

from syndic.core.normalize.hygiene import fingerprint_form


class Position(NamedTuple):
    """Where an article sits in the source-keyed stream it was read from."""

    partition: int
    offset: int


class BoilerplateMemory:
    """Counts, per source, in how many articles each short head/tail line appeared."""

    def __init__(
        self,
        store: MutableMapping[str, Any],
        *,
        width: int = 4096,
        depth: int = 2,
        age_every: int = 128,
        position: Position | None = None,
    ) -> None:
        self.store = store
        self.width = width
        self.depth = depth
        self.age_every = age_every
        self.position = position

    def repeated(self, source: str, lines: list[str], min_repeats: int) -> set[str]:
        """The lines of this article that `min_repeats` earlier articles of `source` carried;
        then the article is counted, once."""
        sketch = self._sketch(source)
        forms = _distinct_forms(lines)
        counted = self._already_counted(sketch)
        if counted and self.position is not None:
            lost = sketch["recent"].get(str(self.position.offset))
            if lost is not None:
                return {line for line in lines if _bit(lost, forms, line)}
        # a redelivery older than the recent answers: its own lines are in the counts once
        threshold = min_repeats + 1 if counted else min_repeats
        found = {line for line in lines if self._count(sketch, line) >= threshold}
        if not counted:
            self._record(source, sketch, forms, _mask(forms, found))
        return found

    def count(self, source: str, line: str) -> int:
        """How many earlier articles of `source` carried `line` (never under-counted)."""
        return self._count(self._sketch(source), line)

    def record(self, source: str, lines: Iterable[str]) -> None:
        """Count each distinct line once for this article."""
        sketch = self._sketch(source)
        if not self._already_counted(sketch):
            self._record(source, sketch, _distinct_forms(list(lines)), 0)

    def _sketch(self, source: str) -> dict[str, Any]:
        sketch: dict[str, Any] | None = self.store.get(f"bp:{source}")
        if sketch is None:
            return {"articles": 0, "cells": {}, "at": None, "recent": {}}
        return sketch

    def _already_counted(self, sketch: dict[str, Any]) -> bool:
        mark = sketch["at"]
        return (
            self.position is not None
            and mark is not None
            and int(mark[0]) == self.position.partition
            and int(mark[1]) >= self.position.offset
        )

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
        self, source: str, sketch: dict[str, Any], forms: dict[str, int], mask: int
    ) -> None:
        cells: dict[str, int] = sketch["cells"]
        for form in forms:
            for cell in self._cells(form):
                cells[cell] = cells.get(cell, 0) + 1
        articles = int(sketch["articles"]) + 1
        if articles >= self.age_every:  # age: halve every counter, drop the zeros
            cells = {cell: n // 2 for cell, n in cells.items() if n // 2}
            articles = 0
        sketch.update(articles=articles, cells=cells)
        if self.position is not None:
            recent: dict[str, int] = sketch["recent"]
            recent[str(self.position.offset)] = mask
            while len(recent) > self.age_every:
                del recent[next(iter(recent))]
            sketch.update(at=[self.position.partition, self.position.offset], recent=recent)
        self.store[f"bp:{source}"] = sketch


def _distinct_forms(lines: list[str]) -> dict[str, int]:
    """Each distinct non-empty fingerprint form of the lines, numbered in order of appearance."""
    forms: dict[str, int] = {}
    for line in lines:
        form = fingerprint_form(line)
        if form and form not in forms:
            forms[form] = len(forms)
    return forms


def _mask(forms: dict[str, int], lines: set[str]) -> int:
    mask = 0
    for line in lines:
        mask |= 1 << forms[fingerprint_form(line)]
    return mask


def _bit(mask: int, forms: dict[str, int], line: str) -> bool:
    form = fingerprint_form(line)
    return bool(form) and bool(mask >> forms[form] & 1)
