"""The duplicate and story decision over an event-time window.

Intention-named steps: `_recall_decision` makes a redelivered article get its first verdict
again; `_find_exact`, `_find_near` and `_find_story` are the three tiers; `_remember` and
`_evict_expired` keep the window bounded. The store holds only JSON values; the LSH buckets,
term postings, content-hash and URL lookups and the expiry heap are derived and rebuilt from it
on construction, so each article costs two stored entries (its decision and its window entry),
which is what a stream worker sends to its changelog.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from syndic.core.dedup.centroids import story_scores
from syndic.core.dedup.fingerprint import (
    Fingerprint,
    decode_signature,
    decode_term_arrays,
    encode_signature,
    lede_share,
    shared_opening_words,
)
from syndic.core.dedup.index import Expiry, LshIndex, TermIndex
from syndic.core.dedup.shingle import containment, resemblance
from syndic.core.model import NormalizedArticle
from syndic.core.timeutil import parse_iso, to_iso


@dataclass(frozen=True, slots=True)
class DedupSettings:
    window: timedelta = timedelta(hours=72)
    allowed_lateness: timedelta = timedelta(hours=1)
    near_resemblance: float = 0.5
    near_containment: float = 0.75
    # Containment is derived from the estimated Jaccard and the two sizes, so when one text is
    # many times the other, a chance agreement of 2 of the 64 MinHash positions reads as a
    # contained text (a truncated copy matched an unrelated article at 0.03 resemblance, 0.81
    # containment). A text contained in another is at least this share of it to count.
    near_containment_min_resemblance: float = 0.1
    min_near_shingles: int = 8
    # A candidate that opens with the article's first 15 words (`fingerprint.opening_keys`) is a
    # near copy when this much of the shorter text is estimated to be in the longer one,
    # whatever the resemblance: a lead-only copy holds a tenth of its original's shingles.
    # The shared opening itself counts as contained (`fingerprint.lede_share`): the lede, or
    # as much more as the two texts' opening digests agree on.
    near_lede_containment: float = 0.5
    story_threshold: float = 0.25
    story_half_life: timedelta = timedelta(hours=36)
    place_stale_at_watermark: bool = True


_SIMILARITY = "similarity_"
_LEFT_OUT = frozenset({"article_id", "similarity"})  # the key holds one, fields the other


@dataclass(frozen=True, slots=True)
class Decision:
    article_id: str
    status: str  # unique | exact | near
    duplicate_of: str | None
    similarity: dict[str, float] | None
    method: str
    story_id: str
    story_score: float | None
    event_time: str
    late: bool
    story_match: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stored form: a plain copy (dataclasses.asdict deep-copies field by field: a fifth
        of a decision), with the similarity's figures as fields of their own
        (`similarity_resemblance`...). A dict that holds only strings and numbers is not
        tracked by the garbage collector, one that holds a dict is: with a nested similarity,
        every copy's stored decision and its similarity were two more objects for each full
        collection to walk, most of the deciding worker's tracked objects with a large window
        (`python -m syndic.benchmarks.dedup` prints them).

        What the store's key and the defaults say is left out (`from_dict` puts it back): the
        article's id, a story id that is the article's own, nulls and `late` false. A unique
        article's state is then under 1 KB with ids of a UUID's length (its id was in it up to
        four times)."""
        # built without the nested dict: a dict once tracked stays so until a collection
        data = {
            name: value
            for name in self.__slots__
            if (value := getattr(self, name)) is not None
            and name not in _LEFT_OUT
            and not (name == "story_id" and value == self.article_id)
            and not (name == "late" and value is False)
        }
        for name, value in (self.similarity or {}).items():
            data[_SIMILARITY + name] = value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], article_id: str | None = None) -> Decision:
        """Any stored form: this version's (`to_dict`, with the id its key holds), or one of
        earlier versions, which held every field, and before that a nested `similarity`."""
        fields = {k: v for k, v in data.items() if not k.startswith(_SIMILARITY)}
        flat = {k[len(_SIMILARITY) :]: v for k, v in data.items() if k.startswith(_SIMILARITY)}
        fields.setdefault("similarity", flat or None)
        fields.setdefault("article_id", article_id)
        if fields["article_id"] is None:
            raise ValueError("a stored decision without its article's id")
        fields.setdefault("story_id", fields["article_id"])
        for name in ("duplicate_of", "story_score", "story_match"):
            fields.setdefault(name, None)
        fields.setdefault("late", False)
        return cls(**fields)

    def dedup_field(self) -> dict[str, Any]:
        """The `dedup` object of a clean event."""
        return {
            "status": self.status,
            "duplicate_of": self.duplicate_of,
            "similarity": self.similarity,
            "method": self.method,
            "story_score": self.story_score,
            "story_match": self.story_match,
            "late": self.late,
        }


@dataclass(frozen=True, slots=True)
class _Match:
    article_id: str
    method: str
    similarity: dict[str, float]


class Deduplicator:
    """Decides unique/exact/near and the story of each article in the order given."""

    def __init__(self, settings: DedupSettings, store: MutableMapping[str, Any]) -> None:
        self.settings = settings
        self.store = store
        self.lsh = LshIndex()
        self.terms = TermIndex()
        self.expiry = Expiry()
        # of each story member in the term index: its event time (epoch s), place in the
        # order and story. Both stored records of a member are written once and never
        # changed, so these follow from the store; the story matching asks them of ~30
        # candidates per article, which the store answers through its layers (a faust table)
        self.times: dict[str, float] = {}
        self.sequences: dict[str, int] = {}
        self.member_story: dict[str, str] = {}
        self.by_hash: dict[str, str] = {}  # content hash -> the indexed article that has it
        self.by_url: dict[str, str] = {}  # digest of the URL key -> the indexed article at it
        # lede digest -> the first article indexed with it, until that one is evicted
        self.by_lede: dict[str, str] = {}
        self.watermark: datetime | None = None  # the latest event time decided
        self.next_sequence = 0  # the place in the order of the next window entry
        self._rebuild()

    def _rebuild(self) -> None:
        """The indexes, the watermark and the sequence counter, from the window entries alone.

        The watermark and the counter are not stored: they follow from the entries (the
        article that set the watermark is the last to expire, and every entry has its place).
        Stored as keys of their own, rewritten by every article, a crash could keep a batch's
        last watermark beside only its first articles' entries, and the redelivered rest would
        be placed and evicted against a watermark the uninterrupted run reached only later
        (docs/reliability.md, cause 11)."""
        for key in [k for k in self.store if k.startswith(_LEGACY_PREFIXES) or k in _LEGACY_KEYS]:
            del self.store[key]
        entries = [(k[2:], v) for k, v in self.store.items() if k.startswith("a:")]
        for article_id, entry in sorted(entries, key=lambda item: item[1]["q"]):
            self._index(article_id, entry)
            self.next_sequence = int(entry["q"]) + 1
        times = [parse_iso(entry["t"]) for _, entry in entries]
        self.watermark = max((t for t in times if t is not None), default=None)

    def _index(self, article_id: str, entry: dict[str, Any]) -> None:
        moment = _epoch(entry["t"])
        self.expiry.push(moment, entry["q"], article_id)
        if entry.get("i"):
            self.by_hash[entry["h"]] = article_id
            if entry.get("u"):
                self.by_url[_as_url_digest(entry["u"])] = article_id
            if entry.get("l"):
                self.by_lede.setdefault(entry["l"], article_id)
            self.lsh.add(article_id, decode_signature(entry["s"]))
        if "k" in entry:
            self.times[article_id] = moment
            self.sequences[article_id] = int(entry["q"])
            # the decision is written before the entry (`_remember`, `_restore_entry`)
            self.member_story[article_id] = self._story_of(article_id)
            self.terms.add(article_id, *decode_term_arrays(entry["k"]))

    def decide(
        self, article: NormalizedArticle, fingerprint: Fingerprint, *, ingested_at: datetime
    ) -> Decision:
        previous = self._recall_decision(article.id)
        if previous is not None:
            if f"a:{article.id}" not in self.store:
                self._restore_entry(fingerprint, previous)
            return previous
        event_time = self._place_in_stream(article, ingested_at, self.watermark)
        watermark = self._advance_watermark(event_time)
        late = event_time < watermark - self.settings.window
        match = None if late else self._find_duplicate(article.id, fingerprint)
        if match is not None:
            story_id, score, via = self._story_of(match.article_id), None, match.article_id
        elif late:
            story_id, score, via = article.id, None, None
        else:
            story_id, score, via = self._find_story(article.id, fingerprint, event_time)
        decision = Decision(
            article_id=article.id,
            status="unique" if match is None else _status_of(match.method),
            duplicate_of=match.article_id if match else None,
            similarity=match.similarity if match else None,
            method=match.method if match else "none",
            story_id=story_id,
            story_score=score,
            event_time=to_iso(event_time),
            late=late,
            story_match=via,
        )
        self._remember(fingerprint, decision, kept=_kept_for(decision))
        return decision

    def _recall_decision(self, article_id: str) -> Decision | None:
        stored = self.store.get(f"d:{article_id}")
        return Decision.from_dict(stored, article_id) if stored is not None else None

    def _restore_entry(self, fingerprint: Fingerprint, decision: Decision) -> None:
        """A batch's changelog leaves key by key in the order first written, so a crash can
        cut it between an article's decision and its window entry. The recalled decision stays,
        and the entry is written again, in the place in the order the redelivery has (the
        articles after it in that batch left nothing): without it, a later copy of the article
        would not find it, and the entry's decision would never expire. The watermark moves
        as the article first moved it: it is derived from the entries, and this one was lost."""
        event_time = parse_iso(decision.event_time)
        assert event_time is not None
        self._advance_watermark(event_time)
        self._write_entry(fingerprint, decision, kept=_kept_for(decision))

    def _place_in_stream(
        self, article: NormalizedArticle, ingested_at: datetime, watermark: datetime | None
    ) -> datetime:
        """Event time: `published_at`, else `fetched_at`, else the ingestion time, with the
        corrections that keep one article's date from moving the whole window:

        - A date after the article's own arrival (beyond the allowed lateness, for clocks that
          disagree) is not believed: nothing is published before it is posted.
        - A date older than the window both before the watermark and before the article's own
          arrival is not a late arrival but an old page (archive, re-crawl) or a date misread
          from the text: the article is placed at the watermark, the stream's present, and
          compared with the window instead of being decided unseen as `late`. One that is
          merely behind the watermark but recent to its arrival stays late.
        - An undated article that arrives more than a window after the watermark (the stream
          is replaying old articles) is placed at the watermark too: its arrival says nothing
          of when its story happened, and it must not evict the window.
        - The first article's date sets the stream's present, so that a replay of an archive
          runs in event time, unless the date was read from a date line of the text and is
          older than the window before the article's arrival: such a reading is placed like
          an old page, at the arrival. Otherwise one such article, first in a live feed, put
          the clock years back; every undated article after it was placed there, and the
          next old page dated a few days later evicted them all (BCubed F1 0.76 instead of
          0.89 on the development set, in an order that began so). A replay of plain text
          runs in event time when its dates are given (`published_at`).
        """
        dated = _first_date(article)
        if dated is not None and dated > ingested_at + self.settings.allowed_lateness:
            dated = None
        if not self.settings.place_stale_at_watermark:
            return dated or ingested_at
        window = self.settings.window
        if watermark is None:
            if dated is not None and article.published_at_source == "text":
                return ingested_at if dated < ingested_at - window else dated
            return dated or ingested_at
        if dated is None:
            return watermark if ingested_at > watermark + window else ingested_at
        if dated < watermark - window and dated < ingested_at - window:
            return watermark
        return dated

    def _advance_watermark(self, event_time: datetime) -> datetime:
        if self.watermark is None or event_time > self.watermark:
            self.watermark = event_time
            self._evict_expired(event_time)
        return self.watermark

    def _find_duplicate(self, article_id: str, fingerprint: Fingerprint) -> _Match | None:
        """An article never matches itself: its own entries can be in the store without its
        decision only if a crash cut its writes short, and then it is the first of its kind."""
        exact = self._find_exact(fingerprint)
        if exact is not None and exact.article_id != article_id:
            return exact
        return self._find_near(fingerprint, article_id)

    def _find_exact(self, fingerprint: Fingerprint) -> _Match | None:
        same = {"resemblance": 1.0, "containment": 1.0}
        found = self.by_hash.get(fingerprint.content_hash)
        if found is not None:
            return _Match(found, "content_hash", same)
        if fingerprint.url:
            found = self.by_url.get(_url_digest(fingerprint.url))
            if found is not None:
                return _Match(found, "url", same)
        return None

    def _find_near(self, fingerprint: Fingerprint, article_id: str) -> _Match | None:
        """Earliest candidate whose resemblance or containment passes its threshold: the
        MinHash bands' candidates, and the earliest article with the same lede, which passes
        on containment alone (`near_lede_containment`; method `lede`)."""
        if (
            fingerprint.signature.size == 0
            or fingerprint.shingles < self.settings.min_near_shingles
        ):
            return None
        candidates = self.lsh.candidates(fingerprint.signature)
        same_lede = self.by_lede.get(fingerprint.lede) if fingerprint.lede else None
        if same_lede is not None and same_lede not in candidates:
            candidates.append(same_lede)
        settings = self.settings
        best: tuple[int, _Match] | None = None
        for candidate in candidates:  # the checks inline: the decision is the sequential stage
            if candidate == article_id:
                continue
            entry = self.store[f"a:{candidate}"]
            if entry["n"] < settings.min_near_shingles:
                continue
            jaccard = resemblance(fingerprint.signature, decode_signature(entry["s"]))
            contained = containment(jaccard, fingerprint.shingles, entry["n"])
            if jaccard >= settings.near_resemblance or (
                contained >= settings.near_containment
                and jaccard >= settings.near_containment_min_resemblance
            ):
                method = "minhash"  # the figures alone make a near copy
            elif candidate == same_lede:
                shared = shared_opening_words(fingerprint.openings, _openings_of(entry))
                contained = max(contained, lede_share(fingerprint.shingles, entry["n"], shared))
                if contained < settings.near_lede_containment:
                    continue
                method = "lede"
            else:
                continue
            if best is None or entry["q"] < best[0]:
                similarity = {
                    "resemblance": round(jaccard, 4),
                    "containment": round(contained, 4),
                }
                best = (entry["q"], _Match(candidate, method, similarity))
        return best[1] if best else None

    def _find_story(
        self, article_id: str, fingerprint: Fingerprint, event_time: datetime
    ) -> tuple[str, float | None, str | None]:
        """Best story by the cosine of the article with the story's centroid: the sum of its
        candidate members' term vectors, each weighed by closeness in event time. What the
        members share adds up and what one member happens to say does not, so an article about
        another event of the same kind scores lower against a whole story than against its
        closest member. `story_match` names that closest member.

        Ties between stories go to the one with the latest member (no two share it)."""
        candidates = self.terms.candidates(fingerprint.terms)
        if not candidates:
            return article_id, None, None
        stories: dict[str, int] = {}
        story_of = self.member_story
        member_story = [stories.setdefault(story_of[c], len(stories)) for c in candidates]
        own, scores = story_scores(
            fingerprint.terms,
            *self.terms.gather(candidates),
            np.array(member_story, dtype=np.intp),
            self._closeness(event_time, candidates),
            len(stories),
        )
        sequences = list(map(self.sequences.__getitem__, candidates))
        latest = [-1] * len(stories)
        for story, sequence in zip(member_story, sequences, strict=True):
            latest[story] = max(latest[story], sequence)
        score_of = scores.tolist()
        best = max(range(len(stories)), key=lambda s: (score_of[s], latest[s]))
        score = round(score_of[best], 4)
        if score_of[best] < self.settings.story_threshold:
            return article_id, score, None
        own_of = own.tolist()
        closest = max(
            (own_of[i], sequences[i], candidate)
            for i, candidate in enumerate(candidates)
            if member_story[i] == best
        )
        return list(stories)[best], score, closest[2]

    def _closeness(self, event_time: datetime, members: list[str]) -> npt.NDArray[np.float64]:
        """1 at the same event time, falling towards 0.5 with one halving per half-life."""
        times = np.fromiter(map(self.times.__getitem__, members), np.float64, len(members))
        gaps = np.abs(event_time.timestamp() - times)
        closeness: npt.NDArray[np.float64] = 0.5 + 0.5 * np.power(
            0.5, gaps / self.settings.story_half_life.total_seconds()
        )
        return closeness

    def _story_of(self, article_id: str) -> str:
        stored = self.store.get(f"d:{article_id}")
        return str(stored.get("story_id", article_id)) if stored else article_id

    def _remember(self, fingerprint: Fingerprint, decision: Decision, *, kept: str | None) -> None:
        """The decision is written first: a stream store sends each write to a changelog in
        order, so after a crash in the middle of these writes, whatever of this article did
        reach the changelog includes its decision, and a redelivery recalls it."""
        self.store[f"d:{decision.article_id}"] = decision.to_dict()
        self._write_entry(fingerprint, decision, kept=kept)

    def _write_entry(
        self, fingerprint: Fingerprint, decision: Decision, *, kept: str | None
    ) -> None:
        """The article's window entry: its event time and place in the order, for expiry,
        and what a later match needs (`_kept_for`)."""
        sequence = self.next_sequence
        self.next_sequence += 1
        entry: dict[str, Any] = {"t": decision.event_time, "q": sequence}
        if kept is not None:
            entry.update(
                i=1,
                h=fingerprint.content_hash,
                u=_url_digest(fingerprint.url) if fingerprint.url else None,
                s=encode_signature(fingerprint.signature),
                n=fingerprint.shingles,
            )
            if fingerprint.lede:
                entry["l"] = fingerprint.lede
                if fingerprint.openings.size:
                    entry["o"] = encode_signature(fingerprint.openings)
        if kept == _AS_STORY_MEMBER:
            entry["k"] = fingerprint.encoded_terms()
        self.store[f"a:{decision.article_id}"] = entry
        self._index(decision.article_id, entry)

    def _evict_expired(self, watermark: datetime) -> None:
        horizon = (watermark - self.settings.window - self.settings.allowed_lateness).timestamp()
        for article_id in self.expiry.pop_before(horizon):
            self._forget(article_id)

    def _forget(self, article_id: str) -> None:
        entry = self.store.pop(f"a:{article_id}", None)
        self.store.pop(f"d:{article_id}", None)
        if entry is None or not entry.get("i"):
            return
        self.times.pop(article_id, None)
        self.sequences.pop(article_id, None)
        self.member_story.pop(article_id, None)
        self.lsh.remove(article_id, decode_signature(entry["s"]))
        self.terms.remove(article_id)
        if self.by_hash.get(entry["h"]) == article_id:
            del self.by_hash[entry["h"]]
        url = _as_url_digest(entry["u"]) if entry.get("u") else None
        if url is not None and self.by_url.get(url) == article_id:
            del self.by_url[url]
        if entry.get("l") and self.by_lede.get(entry["l"]) == article_id:
            del self.by_lede[entry["l"]]


_NEAR_METHODS = frozenset({"minhash", "lede"})


def _openings_of(entry: dict[str, Any]) -> npt.NDArray[np.uint32]:
    """The entry's opening digests; an entry of a version before them has none."""
    return decode_signature(entry.get("o", ""))


def _status_of(method: str) -> str:
    return "near" if method in _NEAR_METHODS else "exact"


def _url_digest(url_key: str) -> str:
    """What the window keeps of an article's URL key: its 64-bit digest, 16 characters against
    ~90 for a key (a unique article's state: 1,039 → 977 B on the benchmark's articles). Only
    equality is asked of it; two keys agree by chance once in 2**64 pairs."""
    return xxhash.xxh3_64_hexdigest(url_key.encode())


_URL_DIGEST = re.compile(r"[0-9a-f]{16}")


def _as_url_digest(stored: str) -> str:
    """The digest of a stored URL: earlier versions stored the key itself, which always holds
    a ".", "/" or "?" (`fingerprint.url_key`), so it is told apart from a digest."""
    return stored if _URL_DIGEST.fullmatch(stored) else _url_digest(stored)


_AS_STORY_MEMBER = "story member"
_AS_COPY = "copy"


def _kept_for(decision: Decision) -> str | None:
    """What of an article later articles are compared with. A unique one is everything a
    match needs, its story terms included. A near copy can be matched as a copy (content
    hash, URL, MinHash) but joins no story's centroid: its story is its original's, and its
    terms would weigh that story's twice. Syndication chains (an outlet re-edits a wire
    copy, another cuts that one) need the copy itself: with only the first version kept, a
    truncated copy of the second version was measured against the first, and missed. An
    exact copy adds nothing its original lacks, and a late article is compared with nothing."""
    if decision.late or decision.status == "exact":
        return None
    return _AS_COPY if decision.status == "near" else _AS_STORY_MEMBER


# kept in the store by earlier versions: lookups, and the counters now derived on rebuild
_LEGACY_PREFIXES = ("h:", "u:")
_LEGACY_KEYS = frozenset({"watermark", "seq"})


def _first_date(article: NormalizedArticle) -> datetime | None:
    for value in (article.published_at, article.fetched_at):
        parsed = parse_iso(value)
        if parsed is not None:
            return parsed
    return None


def _epoch(value: str) -> float:
    parsed = parse_iso(value)
    assert parsed is not None
    return parsed.timestamp()
