"""The decision core on hand-made articles: pinned fingerprints, tiers, recovery, fuzz."""

from __future__ import annotations

import gc
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndic.core.dedup import Deduplicator, DedupSettings, Fingerprint, Fingerprinter
from syndic.core.dedup.decision import Decision
from syndic.core.dedup.fingerprint import (
    LEDE_WORDS,
    lede_share,
    opening_keys,
    shared_opening_words,
    url_key,
)
from syndic.core.model import NormalizedArticle
from syndic.core.normalize.urls import canonical_url

T0 = datetime(2026, 1, 1, tzinfo=UTC)
BASE = " ".join(f"word{i} alpha beta Gamma{i % 7} delta" for i in range(60))


def article(article_id: str, text: str, url: str | None = None) -> NormalizedArticle:
    folded = text.casefold()
    return NormalizedArticle(
        id=article_id,
        source="s",
        text=text,
        fingerprint_text=folded,
        content_hash=hashlib.sha256(folded.encode()).hexdigest()[:32],
        word_count=len(text.split()),
        url=canonical_url(url),  # as the normalizer gives it
    )


def decide_all(
    items: list[NormalizedArticle], store: dict[str, object] | None = None, start: int = 0
) -> list[object]:
    dedup = Deduplicator(DedupSettings(), {} if store is None else store)
    fp = Fingerprinter()
    return [
        dedup.decide(a, fp.compute(a), ingested_at=T0 + timedelta(seconds=i))
        for i, a in enumerate(items, start=start)
    ]


def test_fingerprint_is_pinned_and_round_trips() -> None:
    fp = Fingerprinter().compute(article("a", "the quick brown fox jumps over the lazy dog"))
    assert fp.shingles == 7
    assert [int(v) for v in fp.signature[:3]] == PINNED
    again = Fingerprint.from_dict(orjson.loads(orjson.dumps(fp.to_dict())))
    assert (again.signature == fp.signature).all() and again.terms.keys() == fp.terms.keys()


def test_tiers() -> None:
    out = decide_all(
        [
            article("a", BASE, url="https://www.x.com/p?q=1"),
            article("b", BASE),
            article("c", BASE + " extra closing line here"),
            article("d", "completely different text " * 5, url="http://x.com/p/?utm_source=f&q=1"),
        ]
    )
    assert [d.status for d in out] == ["unique", "exact", "near", "exact"]
    assert [d.method for d in out[1:]] == ["content_hash", "minhash", "url"]
    assert {d.duplicate_of for d in out[1:]} == {"a"}


def test_the_store_holds_two_entries_per_article_and_lookups_are_rebuilt() -> None:
    """Hash and URL lookups are derived from the window entries, not stored: a rebuilt
    deduplicator still finds exact copies by content and by URL, and keys an earlier version
    stored are dropped."""
    store: dict[str, object] = {"h:stale": "x", "u:stale.example/p": "x"}
    decide_all([article("a", BASE, url="https://www.x.com/p?q=1")], store)
    assert sorted(k for k in store if ":" in k) == ["a:a", "d:a"]
    later = decide_all(
        [
            article("b", BASE),
            article("d", "completely different text " * 5, url="http://x.com/p?q=1"),
        ],
        dict(store),
        start=1,
    )
    assert [(d.status, d.method, d.duplicate_of) for d in later] == [
        ("exact", "content_hash", "a"),
        ("exact", "url", "a"),
    ]


def _prose(seed: int, words: int) -> str:
    return " ".join(f"w{(seed * 7919 + i * 104729) % 100003}" for i in range(words))


def test_a_copy_of_a_copy_is_found_through_the_first_copy() -> None:
    """A wire story (a), an outlet's version with a long passage of its own (b, near of a),
    and a third outlet's cut of b (c): c holds too little of a to match it, but all of b.
    A near copy is kept for matching, without joining its story's centroid."""
    wire = _prose(1, 200)
    own = wire + " " + _prose(2, 150)
    cut = " ".join(own.split()[100:300])
    out = decide_all([article("a", wire), article("b", own), article("c", cut)])
    assert [(d.status, d.duplicate_of) for d in out] == [
        ("unique", None),
        ("near", "a"),
        ("near", "b"),
    ]
    assert {d.story_id for d in out} == {"a"}


def test_the_stored_entry_of_a_near_copy_can_be_matched_but_joins_no_centroid() -> None:
    store: dict[str, object] = {}
    decide_all([article("a", _prose(1, 200)), article("b", _prose(1, 200) + " more words")], store)
    assert "k" in store["a:a"] and {"s", "h", "n"} <= store["a:b"].keys()
    assert "k" not in store["a:b"]


def test_containment_needs_the_resemblance_floor() -> None:
    """Two fifths of a text, cut from it, are contained in it (resemblance ~0.4): a near copy
    under the default floor, and not under a floor above its resemblance. The floor is what
    keeps a chance agreement of 2 of 64 MinHash positions between a short text and one 20
    times longer (containment 0.64-0.81 derived from it) from reading as a copy."""
    whole = _prose(3, 300)
    part = " ".join(whole.split()[60:180])  # not its lede, which would be a way in of its own
    fp = Fingerprinter()

    def second_status(floor: float) -> tuple[str, dict[str, float] | None]:
        dedup = Deduplicator(DedupSettings(near_containment_min_resemblance=floor), {})
        for i, a in enumerate([article("w", whole), article("p", part)]):
            decision = dedup.decide(a, fp.compute(a), ingested_at=T0 + timedelta(seconds=i))
        return decision.status, decision.similarity

    status, similarity = second_status(0.1)
    assert status == "near" and similarity is not None
    assert similarity["containment"] >= 0.75 and 0.1 <= similarity["resemblance"] < 0.6
    assert second_status(similarity["resemblance"] + 0.01)[0] == "unique"


def test_the_lede_is_the_digest_of_the_first_fifteen_words_and_pinned() -> None:
    forty = " ".join(f"w{i}" for i in range(40))
    assert LEDE_WORDS == 15
    assert opening_keys(forty)[0] == "03555852c0ed4fb7"  # xxh3_64 of "w0 w1 ... w14"
    fifteen, fourteen = " ".join(forty.split()[:15]), " ".join(forty.split()[:14])
    assert opening_keys(fifteen)[0] == "03555852c0ed4fb7"  # the rest is not in it
    assert opening_keys(fourteen)[0] is None  # shorter than a lede
    assert opening_keys("\u7684" * 30, "zh")[0] == "0b6be9b083488e10"  # characters are words
    assert opening_keys("\u7684" * 29, "zh")[0] is None
    fp = Fingerprinter().compute(article("a", forty))
    assert fp.lede == "03555852c0ed4fb7"
    assert Fingerprint.from_dict(orjson.loads(orjson.dumps(fp.to_dict()))).lede == fp.lede
    old_record = {k: v for k, v in fp.to_dict().items() if k != "lede"}
    assert Fingerprint.from_dict(old_record).lede is None  # a record of an earlier version


def test_the_shared_lede_is_a_floor_under_the_containment() -> None:
    """13 shingles of a 15-word lede are in both texts: all of a 15-word text, half of a
    28-word one, and nothing is claimed of a text with no shingles."""
    assert lede_share(13, 900) == 1.0
    assert lede_share(900, 26) == 0.5
    assert lede_share(0, 900) == 0.0


def test_the_opening_digests_are_pinned_and_tell_how_far_two_openings_agree() -> None:
    text = " ".join(f"w{i}" for i in range(130))  # past the longest opening
    pinned = [2892462560, 4130727707, 1954878498]  # xxh32 of the first 30, 60 and 120 words
    assert opening_keys(text)[1].tolist() == pinned
    assert opening_keys(" ".join(text.split()[:29]))[1].tolist() == []
    assert opening_keys("\u7684" * 60, "zh")[1].tolist() == [3572848273]  # 60 characters
    fp = Fingerprinter().compute(article("a", text))
    assert fp.openings.tolist() == pinned
    assert (
        Fingerprint.from_dict(orjson.loads(orjson.dumps(fp.to_dict()))).openings.tolist() == pinned
    )
    old_record = {k: v for k, v in fp.to_dict().items() if k != "openings"}
    assert Fingerprint.from_dict(old_record).openings.size == 0  # a record of an earlier version
    other = opening_keys(" ".join(text.split()[:70]) + " different words follow here")[1]
    assert shared_opening_words(opening_keys(text)[1], other) == 60
    assert shared_opening_words(opening_keys(text)[1], other[:0]) == LEDE_WORDS
    assert lede_share(900, 70, 60) == 58 / 70


def test_a_teaser_whose_opening_runs_past_the_lede_is_near_through_it() -> None:
    """A 70-word teaser of a 2,000-word story: 13 shingles of a 15-word lede are a fifth of
    its 68; the 60 opening words it is known to share are 58 of them."""
    whole = _prose(5, 2000)
    story, teaser = article("story", whole), article("teaser", " ".join(whole.split()[:70]))
    _, decision = decide_all([story, teaser])
    assert (decision.status, decision.duplicate_of, decision.method) == ("near", "story", "lede")
    assert decision.similarity is not None
    assert decision.similarity["containment"] == round(58 / 68, 4)


def test_a_teaser_shorter_than_thirty_words_is_near_through_its_lede() -> None:
    """A 20-word teaser of a 2,000-word story: no MinHash position agrees, so the estimate
    says nothing is contained, but 13 of its 18 shingles are the shared lede's."""
    whole = _prose(5, 2000)
    story, teaser = article("story", whole), article("teaser", " ".join(whole.split()[:20]))
    _, decision = decide_all([story, teaser])
    assert (decision.status, decision.duplicate_of, decision.method) == ("near", "story", "lede")
    assert decision.similarity == {"resemblance": 0.0, "containment": round(13 / 18, 4)}


def _lead_only_case() -> tuple[NormalizedArticle, NormalizedArticle]:
    """A 700-word story and a copy of its first 36 words (a teaser, a brief): resemblance
    about a twentieth, which the MinHash bands rarely make a candidate and the floor refuses."""
    whole = _prose(5, 700)
    return article("story", whole), article("teaser", " ".join(whole.split()[:36]))


def test_a_lead_only_copy_is_near_through_its_lede() -> None:
    story, teaser = _lead_only_case()
    _, decision = decide_all([story, teaser])
    assert (decision.status, decision.duplicate_of, decision.method) == ("near", "story", "lede")
    assert decision.similarity is not None
    assert decision.similarity["resemblance"] < 0.1 <= 0.5 <= decision.similarity["containment"]
    # without the lede (an article of a version before it), the same pair is two articles
    fp = Fingerprinter()
    dedup = Deduplicator(DedupSettings(), {})
    for item in (story, teaser):
        decided = dedup.decide(item, replace(fp.compute(item), lede=None), ingested_at=T0)
    assert decided.status == "unique"


def test_a_shared_opening_alone_is_not_a_copy() -> None:
    """Two different stories that open with the same 30-word line (a disclaimer the source
    memory has not learnt yet): the containment of either in the other is far below the
    setting, so the lede makes a candidate but no copy."""
    opening = _prose(6, 30)
    first = article("one", opening + " " + _prose(7, 300))
    second = article("two", opening + " " + _prose(8, 300))
    dedup = Deduplicator(DedupSettings(), {})
    fp = Fingerprinter()
    dedup.decide(first, fp.compute(first), ingested_at=T0)
    assert dedup.by_lede.get(fp.compute(second).lede) == "one"  # a candidate...
    assert dedup.decide(second, fp.compute(second), ingested_at=T0).status == "unique"  # no copy


def test_the_lede_index_follows_the_window() -> None:
    store: dict[str, object] = {}
    story, teaser = _lead_only_case()
    dedup = Deduplicator(DedupSettings(), store)
    fp = Fingerprinter()
    dedup.decide(story, fp.compute(story), ingested_at=T0)
    key = fp.compute(story).lede
    assert store["a:story"]["l"] == key and dedup.by_lede == {key: "story"}
    assert Deduplicator(DedupSettings(), store).by_lede == {key: "story"}  # rebuilt
    later = T0 + DedupSettings().window + timedelta(hours=2)
    dated = replace(article("other", _prose(9, 100)), published_at=later.isoformat())
    dedup.decide(dated, fp.compute(dated), ingested_at=later)  # moves the watermark
    assert key not in dedup.by_lede  # evicted with its article
    assert dedup.decide(teaser, fp.compute(teaser), ingested_at=later).status == "unique"


def test_the_window_keeps_a_digest_of_the_url_and_still_reads_a_stored_key() -> None:
    """16 characters instead of the key; a window written by an earlier version, which kept
    the key itself, still finds a re-post by its URL once rebuilt."""
    store: dict[str, object] = {}
    decide_all([article("a", BASE, url="https://www.x.com/news/p?q=1")], store)
    stored = store["a:a"]["u"]
    assert len(stored) == 16 and int(stored, 16) >= 0
    store["a:a"]["u"] = url_key(canonical_url("https://www.x.com/news/p?q=1"))  # as before
    again = decide_all(
        [article("d", "completely different text " * 5, url="http://x.com/news/p?q=1")],
        store,
        start=1,
    )
    assert [(d.status, d.method, d.duplicate_of) for d in again] == [("exact", "url", "a")]


def test_the_url_key_keeps_the_query_that_names_the_article() -> None:
    """Many sites name the article in the query: two stories of one site are not re-posts of
    each other (the development set has two such ESPN pages), while the scheme, `www.`, a
    trailing slash, tracking parameters and the parameters' order make no other page."""
    page = "http://sports.example.com/nba/news/story?id=2066717"
    assert url_key(canonical_url(page)) == "sports.example.com/nba/news/story?id=2066717"
    same = "https://WWW.sports.example.com/nba/news/story/?utm_source=tw&id=2066717#top"
    assert url_key(canonical_url(same)) == url_key(canonical_url(page))
    assert url_key(canonical_url("http://x.com/p?b=2&a=1")) == "x.com/p?a=1&b=2"
    assert url_key(canonical_url("https://www.x.com/")) is None  # a home page names no article
    assert url_key(canonical_url("https://x.com/?id=7")) == "x.com?id=7"
    assert url_key(None) is None
    other = article("b", "completely different text " * 5, url=page.replace("2066717", "2115562"))
    out = decide_all([article("a", BASE, url=page), other])
    assert [d.status for d in out] == ["unique", "unique"]


@pytest.mark.parametrize(
    "edition",
    [
        "https://m.example.com/2026/12/council-closes-bridge",
        "https://mobile.example.com/2026/12/council-closes-bridge",
        "https://amp.example.com/2026/12/council-closes-bridge",
        "https://www.example.com/2026/12/council-closes-bridge/amp/",
        "https://www.example.com/2026/12/council-closes-bridge?amp=1",
        "https://www.example.com/2026/12/council-closes-bridge?outputType=amp",
    ],
)
def test_the_mobile_and_amp_editions_of_a_page_have_its_key(edition: str) -> None:
    page = "https://www.example.com/2026/12/council-closes-bridge"
    assert url_key(canonical_url(edition)) == url_key(canonical_url(page))


def test_edition_names_that_are_not_editions_keep_their_key() -> None:
    assert url_key(canonical_url("https://m.com/story/1")) == "m.com/story/1"  # the site itself
    assert url_key(canonical_url("https://x.com/amp")) == "x.com/amp"  # a page called amp
    assert url_key(canonical_url("https://x.com/p?ampere=3")) == "x.com/p?ampere=3"
    assert url_key(canonical_url("https://x.com/p?amp=1&id=4")) == "x.com/p?id=4"


def test_a_stored_decision_is_flat_and_untracked_and_the_nested_form_still_reads() -> None:
    """A copy's stored decision holds its similarity as fields of its own, so the window's
    entries hold only strings and numbers and the garbage collector does not walk them."""
    store: dict[str, object] = {}
    out = decide_all([article("a", BASE), article("c", BASE + " extra closing line here")], store)
    stored = store["d:c"]
    assert isinstance(stored, dict) and "similarity" not in stored
    assert stored["similarity_resemblance"] == out[1].similarity["resemblance"]
    assert not any(gc.is_tracked(store[k]) for k in ("d:c", "a:c", "d:a", "a:a"))
    assert Decision.from_dict(stored, "c") == out[1]
    assert Decision.from_dict(orjson.loads(orjson.dumps(stored)), "c") == out[1]
    nested = {k: v for k, v in stored.items() if not k.startswith("similarity_")}
    nested["similarity"] = dict(out[1].similarity)  # as earlier versions stored it
    assert Decision.from_dict(nested, "c") == out[1]
    assert Decision.from_dict(store["d:a"], "a").similarity is None


def test_a_stored_decision_leaves_out_what_its_key_and_the_defaults_say() -> None:
    """The id is the key's, a story of its own and nulls are defaults: a unique article's
    decision keeps only its verdict and event time. A decision stored whole by an earlier
    version reads the same."""
    store: dict[str, object] = {}
    out = decide_all([article("a", BASE), article("c", BASE + " extra closing line here")], store)
    assert store["d:a"] == {"status": "unique", "method": "none", "event_time": out[0].event_time}
    assert store["d:c"]["story_id"] == "a" and "article_id" not in store["d:c"]
    whole = {name: getattr(out[0], name) for name in out[0].__slots__}
    assert Decision.from_dict(whole) == Decision.from_dict(store["d:a"], "a") == out[0]
    again = decide_all([article("a", BASE)], {"d:a": whole, "a:a": store["a:a"]}, start=1)
    assert again == [out[0]]  # a redelivery recalls the decision of the earlier form
    with pytest.raises(ValueError, match="without its article's id"):
        Decision.from_dict(store["d:a"])


def test_redelivery_and_rebuild_give_same_decisions() -> None:
    items = [article(str(i), BASE[: 200 + 37 * i] + f" tail{i}") for i in range(12)]
    store: dict[str, object] = {}
    first = decide_all(items[:6], store)
    assert decide_all(items[:1], store)[0] == first[0]
    rebuilt = decide_all(items[6:], dict(store), start=6)
    reference_store: dict[str, object] = {}
    assert decide_all(items, reference_store)[6:] == rebuilt
    orjson.dumps(store)


def test_window_evicts_everything() -> None:
    dedup = Deduplicator(DedupSettings(), store := {})
    fp = Fingerprinter()
    for day in range(10):
        a = article(f"a{day}", f"{BASE} day{day}")
        dedup.decide(a, fp.compute(a), ingested_at=T0 + timedelta(days=day))
    assert len([k for k in store if k.startswith("a:")]) <= 5


def test_old_date_is_placed_at_the_watermark_and_compared() -> None:
    """A page dated years before its arrival is an old page, not a late arrival: it is still
    compared with the window (here: found as a copy); one behind the watermark but recent to its
    own arrival stays late."""
    dedup = Deduplicator(DedupSettings(), {})
    fp = Fingerprinter()
    first = article("a", BASE)
    dedup.decide(first, fp.compute(first), ingested_at=T0)
    old = replace(article("b", BASE + " one more line"), published_at="2013-05-02T00:00:00Z")
    decision = dedup.decide(old, fp.compute(old), ingested_at=T0 + timedelta(seconds=1))
    assert not decision.late and decision.status == "near" and decision.duplicate_of == "a"
    behind = replace(article("c", "another text " * 20), published_at="2025-12-27T00:00:00Z")
    late = dedup.decide(
        behind, fp.compute(behind), ingested_at=datetime(2025, 12, 27, 1, tzinfo=UTC)
    )
    assert late.late


def test_an_undated_article_far_ahead_of_an_old_window_is_placed_in_it() -> None:
    """Dated old pages first, then an undated copy arriving years later: the copy is placed at
    the watermark (it does not evict the window) and found."""
    dedup = Deduplicator(DedupSettings(), {})
    fp = Fingerprinter()
    old = replace(article("a", BASE), published_at="2021-07-11T12:00:00Z")
    dedup.decide(old, fp.compute(old), ingested_at=T0)
    undated = article("b", BASE + " one more line")
    decision = dedup.decide(undated, fp.compute(undated), ingested_at=T0 + timedelta(seconds=1))
    assert decision.event_time == "2021-07-11T12:00:00Z"
    assert (decision.status, decision.duplicate_of, decision.late) == ("near", "a", False)


def test_an_old_date_read_from_the_text_does_not_set_the_clock() -> None:
    """First in a live feed, an old page whose date was read from a date line of its text is
    placed at its arrival. Before, its date set the stream's present years back: the undated
    articles after it were placed there, and the next old page, dated a month later, moved the
    watermark and evicted them, so a copy of one of them was not found."""
    dedup = Deduplicator(DedupSettings(), {})
    fp = Fingerprinter()

    def text_dated(article_id: str, text: str, day: str) -> NormalizedArticle:
        dated = replace(article(article_id, text), published_at=f"{day}T00:00:00Z")
        return replace(dated, published_at_source="text")

    first = text_dated("a", "the first old page " * 20, "2013-05-02")
    opened = dedup.decide(first, fp.compute(first), ingested_at=T0)
    assert opened.event_time == "2026-01-01T00:00:00Z"
    undated = article("b", BASE)
    dedup.decide(undated, fp.compute(undated), ingested_at=T0 + timedelta(seconds=1))
    later = text_dated("c", "another old page entirely " * 20, "2013-06-14")
    placed = dedup.decide(later, fp.compute(later), ingested_at=T0 + timedelta(seconds=2))
    assert placed.event_time == "2026-01-01T00:00:01Z" and not placed.late
    copy = article("d", BASE + " one more line")
    found = dedup.decide(copy, fp.compute(copy), ingested_at=T0 + timedelta(seconds=3))
    assert (found.status, found.duplicate_of) == ("near", "b")


def test_a_recent_date_read_from_the_text_is_believed_first() -> None:
    dedup = Deduplicator(DedupSettings(), {})
    fp = Fingerprinter()
    recent = replace(article("a", BASE), published_at="2025-12-31T08:00:00Z")
    recent = replace(recent, published_at_source="text")
    assert dedup.decide(recent, fp.compute(recent), ingested_at=T0).event_time == (
        "2025-12-31T08:00:00Z"
    )


def test_a_date_after_arrival_is_not_believed() -> None:
    dedup = Deduplicator(DedupSettings(), {})
    fp = Fingerprinter()
    future = replace(article("a", BASE), published_at="2199-01-01T00:00:00Z")
    decision = dedup.decide(future, fp.compute(future), ingested_at=T0)
    assert decision.event_time == "2026-01-01T00:00:00Z"
    later = article("b", "another text " * 20)
    nxt = dedup.decide(later, fp.compute(later), ingested_at=T0 + timedelta(hours=2))
    assert not nxt.late and nxt.event_time == "2026-01-01T02:00:00Z"


def test_story_centroid_groups_write_ups_and_keeps_other_events_apart() -> None:
    same = [
        "Klitschko stopped Thompson in Bern on Saturday to keep his IBF and WBO titles.",
        "Wladimir Klitschko beat Tony Thompson in Bern, Switzerland, keeping the IBF belt.",
        "In Bern, Klitschko knocked out Thompson in round six; the WBO and IBF titles stay.",
    ]
    other = "Parliament in Oslo passed the fishing quota bill after a long debate on Tuesday."
    out = decide_all([article(str(i), t) for i, t in enumerate([*same, other])])
    assert len({d.story_id for d in out[:3]}) == 1
    assert out[3].story_id == "3"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.text(max_size=80), st.integers(0, 400)), max_size=12)
)
def test_fuzz_never_raises_and_is_deterministic(rows: list[tuple[int, str, int]]) -> None:
    fp = Fingerprinter()
    runs = []
    for _ in range(2):
        dedup = Deduplicator(DedupSettings(), {})
        runs.append(
            [
                dedup.decide(a, fp.compute(a), ingested_at=T0 + timedelta(hours=h))
                for i, text, h in rows
                for a in [article(str(i), text)]
            ]
        )
    assert runs[0] == runs[1]


PINNED = [2166389362, 496717484, 1259586343]


def test_writes_cut_short_by_a_crash_still_give_the_first_verdict() -> None:
    """The decision is the first write of an article; if only part of the writes survived
    (a crash before the changelog was flushed), a redelivery recalls the decision, and an
    article whose decision was lost never matches its own surviving entries."""
    first = article("a", BASE)
    writes: list[str] = []

    class Recording(dict):  # type: ignore[type-arg]
        def __setitem__(self, key: str, value: object) -> None:
            writes.append(key)
            super().__setitem__(key, value)

    recording = Recording()
    decided = decide_all([first], recording)[0]
    assert next(key for key in writes if key != "watermark") == "d:a"
    # everything of the article but its decision survived
    store: dict[str, object] = {k: v for k, v in recording.items() if k != "d:a"}
    again = decide_all([first], store)[0]
    assert (again.status, again.duplicate_of) == ("unique", None) == (decided.status, None)


def test_a_decision_that_survived_alone_puts_its_article_back_in_the_window() -> None:
    """A crash can cut a batch's changelog between an article's decision and its window entry
    (keys leave in the order first written). The redelivery recalls the decision and must
    also restore the entry: otherwise a later copy of the article is not found, and the
    stream's verdicts differ from the batch's over the same order (seen once in
    `syndic chaos --seed 6`)."""
    first = article("a", BASE)
    store: dict[str, object] = {}
    decided = decide_all([first], store)[0]
    del store["a:a"]  # only the decision (and the counters) reached the changelog
    copy = article("b", BASE + " and one more closing sentence")
    again, later = decide_all([first, copy], store)
    assert again == decided
    assert "a:a" in store
    assert (later.status, later.duplicate_of) == ("near", "a")
    assert decide_all([first, copy], {})[1] == later


def test_the_members_story_and_place_are_what_the_store_says_after_decisions_rebuild_and_eviction():
    """The story matching reads each candidate member's story and place in the order from
    maps the deduplicator derives; they must say what the stored records say, in a running
    deduplicator, in one rebuilt from its store, and after members are evicted."""
    same = [
        "Klitschko stopped Thompson in Bern on Saturday to keep his IBF and WBO titles.",
        "Wladimir Klitschko beat Tony Thompson in Bern, Switzerland, keeping the IBF belt.",
        "In Bern, Klitschko knocked out Thompson in round six; the WBO and IBF titles stay.",
    ]
    other = "Parliament in Oslo passed the fishing quota bill after a long debate on Tuesday."
    dedup = Deduplicator(DedupSettings(), store := {})
    fp = Fingerprinter()
    for day, text in enumerate([*same, other, same[0] + " Updated."]):
        a = article(f"x{day}", text)
        dedup.decide(a, fp.compute(a), ingested_at=T0 + timedelta(hours=day))

    def from_store() -> tuple[dict[str, str], dict[str, int]]:
        members = [k[2:] for k, v in store.items() if k.startswith("a:") and "k" in v]
        stories = {m: store[f"d:{m}"].get("story_id", m) for m in members}
        return stories, {m: store[f"a:{m}"]["q"] for m in members}

    expected = from_store()
    assert set(expected[0].values()) == {"x0", "x3"}  # one story of three, one of one
    assert "x4" not in expected[0]  # a near copy is matchable but joins no centroid
    assert (dedup.member_story, dedup.sequences) == expected
    rebuilt = Deduplicator(DedupSettings(), store)
    assert (rebuilt.member_story, rebuilt.sequences) == expected
    later = T0 + timedelta(days=30)  # dated: an undated article would be placed in the window
    late = replace(
        article("y", "An unrelated report on rainfall in the valley this spring."),
        published_at=later.isoformat().replace("+00:00", "Z"),
    )
    rebuilt.decide(late, fp.compute(late), ingested_at=later)
    assert (rebuilt.member_story, rebuilt.sequences) == from_store()
    assert list(rebuilt.member_story) == ["y"]
