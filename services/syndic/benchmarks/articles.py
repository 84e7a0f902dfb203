"""A seeded generator of realistic news articles for the benchmark.

Why synthetic: the benchmark must run anywhere with one command, without shipping or downloading a
news corpus, and give the same bytes for the same seed so two runs measure the same work. What
makes it realistic enough for dedup to do real work:

- prose drawn from wordfreq's 20,000 most frequent English words with a Zipf-like weighting, so
  5-word shingles are as varied as in real text (a small vocabulary would make every article look
  like every other one and flatter or punish LSH unfairly);
- about 50 sources, most with their own header/footer boilerplate, as scraped pages have;
  half of them name their articles' language (`lang`) and half do not, as the real articles
  of `../shared` do not: those are detected by the normalizer, which is a cost of its own;
- stories: several outlets write their own take on one event, sharing names, places, figures and
  a quote or two but not their prose (story matches, not near-duplicates);
- about 30% copies of earlier articles: verbatim re-posts, re-formatted, boilerplate-wrapped,
  truncated and lightly edited ones (exact and near duplicates);
- bodies of 1-8 KB (log-normal, median about 2.4 KB; about 3 KB as JSON).

Each record carries its ground truth under `meta.bench` (kind, original id, story number), which
syndic passes through untouched; the benchmark itself only uses ids.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate, islice
from typing import Any

import orjson

COPY_KINDS = ("verbatim", "reformatted", "wrapped", "truncated", "edited")
COPY_WEIGHTS = (0.25, 0.2, 0.2, 0.15, 0.2)
_SYLLABLES = (
    "ka", "ro", "lin", "mar", "den", "vos", "tel", "ara", "bri", "cor", "dal", "esk", "fen", "gar",
    "hal", "ith", "jor", "kel", "lum", "mor", "nad", "ost", "pra", "quin", "rel", "sar", "tov",
    "ul", "vin", "wes", "yor", "zan",
)  # fmt: skip
# A few words a reader would not expect in sample output; nothing else depends on this list.
_LEFT_OUT = frozenset((
    "rape", "raped", "fuck", "fucking", "fucked", "shit", "porn", "sex", "sexy", "nigga", "bitch",
    "cunt",
))  # fmt: skip
_START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Article:
    """One generated raw article and its ground truth."""

    id: str
    source: str
    title: str
    text: str
    url: str
    published_at: str
    kind: str  # original or one of COPY_KINDS
    of: str | None  # the original's id for copies
    story: int
    lang: str | None = None  # what the source declares; None: the normalizer detects it

    def record(self) -> dict[str, Any]:
        """The raw-article JSON object (schemas/raw-article.schema.json)."""
        record: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "url": self.url,
            "published_at": self.published_at,
        }
        if self.lang is not None:
            record["lang"] = self.lang
        record["text"] = self.text
        record["meta"] = {"bench": {"kind": self.kind, "of": self.of, "story": self.story}}
        return record

    def value(self) -> bytes:
        return orjson.dumps(self.record())


@dataclass
class _Source:
    name: str
    domain: str
    header: list[str]
    footer: list[str]
    lang: str | None


@dataclass
class _Story:
    number: int
    names: list[str]
    places: list[str]
    figures: list[str]
    quotes: list[str]
    topic_words: list[str]
    takes: list[Article] = field(default_factory=list)


class ArticleGenerator:
    """Deterministic for a seed: `generate(n)` returns the same articles on every machine."""

    def __init__(self, seed: int = 8, sources: int = 50, vocabulary: int = 20_000) -> None:
        from wordfreq.numbers import has_digit_sequence

        from syndic.core.dedup.wordtable import words_by_frequency

        self.rng = random.Random(seed)
        # wordfreq's `top_n_list("en", vocabulary)`, read from its file as it goes: that
        # function keeps the whole list for the rest of the process, ~20 MB that the in-process
        # memory run (benchmarks/memory.py) would count as the worker's
        listed = (w for w in words_by_frequency("en") if not has_digit_sequence(w))
        words = [
            w
            for w in islice(listed, vocabulary)
            if w.isascii() and w.isalpha() and w not in _LEFT_OUT
        ]
        self.words = words
        # Zipf-like weights, flattened a little (exponent 0.9) so mid-frequency words appear.
        self._cum = list(accumulate(1.0 / (rank + 10) ** 0.9 for rank in range(len(words))))
        self.sources = [self._source(i) for i in range(sources)]

    # -- building blocks ---------------------------------------------------------------------

    def _name(self, parts: int = 2) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()

    def _source(self, number: int) -> _Source:
        stem = self._name(self.rng.randint(2, 3))
        kind = self.rng.choice(["Herald", "Times", "Post", "Daily", "Wire", "News", "Tribune"])
        name = f"{stem} {kind}"
        domain = f"{stem.lower()}{kind.lower()}.example"
        header: list[str] = []
        footer: list[str] = []
        if self.rng.random() < 0.7:
            header = [f"{name} | Home | World | Business | Sport | Opinion"]
        if self.rng.random() < 0.8:
            footer = [
                f"Copyright 2026 {name}. All rights reserved.",
                f"Subscribe to {name} for the latest news, delivered every morning.",
            ][: self.rng.randint(1, 2)]
        # Every other source names the language: decided by the number, not by the random
        # stream, so the articles' texts stay those of the same seed before this field.
        return _Source(name, domain, header, footer, "en" if number % 2 == 0 else None)

    def _words(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self._cum, k=count)

    def _sentence(self, story: _Story) -> str:
        words = self._words(self.rng.randint(8, 24))
        # Sprinkle the story's entities and topic words so takes on one story share them.
        for _ in range(self.rng.randint(1, 3)):
            pool = self.rng.choice([story.names, story.places, story.figures, story.topic_words])
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(pool))
        if len(words) > 10 and self.rng.random() < 0.4:
            words[self.rng.randrange(3, len(words) - 3)] += ","
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def _paragraph(self, story: _Story) -> str:
        sentences = [self._sentence(story) for _ in range(self.rng.randint(2, 5))]
        if story.quotes and self.rng.random() < 0.25:
            sentences.insert(
                self.rng.randrange(len(sentences) + 1),
                f"“{self.rng.choice(story.quotes)}” said {self.rng.choice(story.names)}.",
            )
        return " ".join(sentences)

    def _new_story(self, number: int) -> _Story:
        story = _Story(
            number,
            names=[f"{self._name()} {self._name(3)}" for _ in range(self.rng.randint(2, 4))],
            places=[self._name(3) for _ in range(self.rng.randint(1, 3))],
            figures=[
                f"{self.rng.randint(2, 990)} {self.rng.choice(['million', 'percent', 'people'])}"
                for _ in range(2)
            ],
            quotes=[],
            topic_words=self._words(6),
        )
        story.quotes = [self._sentence(story).rstrip(".") for _ in range(self.rng.randint(1, 3))]
        return story

    def _body_chars(self) -> int:
        return int(min(8000.0, max(1000.0, self.rng.lognormvariate(math.log(2400), 0.5))))

    # -- articles ----------------------------------------------------------------------------

    def _wrap(self, source: _Source, body: list[str]) -> str:
        return "\n\n".join([*source.header, *body, *source.footer])

    def _original(self, number: int, story: _Story, at: datetime) -> Article:
        source = self.rng.choice(self.sources)
        target = self._body_chars()
        paragraphs: list[str] = []
        while sum(len(p) + 2 for p in paragraphs) < target:
            paragraphs.append(self._paragraph(story))
        title = f"{self.rng.choice(story.names)} {' '.join(self._words(self.rng.randint(4, 9)))}"
        return self._article(number, source, title, paragraphs, at, "original", None, story)

    def _article(
        self,
        number: int,
        source: _Source,
        title: str,
        paragraphs: list[str],
        at: datetime,
        kind: str,
        of: str | None,
        story: _Story,
        text: str | None = None,
    ) -> Article:
        article_id = f"bench-{number:07d}"
        slug = "-".join(title.lower().split()[:6])
        return Article(
            id=article_id,
            source=source.name,
            title=title,
            text=text if text is not None else self._wrap(source, paragraphs),
            url=f"https://{source.domain}/{at:%Y/%m/%d}/{slug}-{number}",
            published_at=at.isoformat().replace("+00:00", "Z"),
            kind=kind,
            of=of,
            story=story.number,
            lang=source.lang,
        )

    @staticmethod
    def _body(original: Article, sources: dict[str, _Source]) -> list[str]:
        """The original's paragraphs without its source's boilerplate."""
        source = sources[original.source]
        paragraphs = original.text.split("\n\n")
        end = len(paragraphs) - len(source.footer)
        return paragraphs[len(source.header) : end]

    def _copy(self, number: int, original: Article, story: _Story, at: datetime) -> Article:
        kind = self.rng.choices(COPY_KINDS, weights=COPY_WEIGHTS)[0]
        by_name = {s.name: s for s in self.sources}
        source = self.rng.choice(self.sources)
        body = self._body(original, by_name)
        title = original.title
        if kind == "verbatim":
            # A syndicated re-post: the same text, byte for byte, under another id and URL.
            return self._article(
                number, source, title, body, at, kind, original.id, story, text=original.text
            )
        if kind == "reformatted":
            # Re-flowed: one sentence per line, odd spacing, straight quotes, title case.
            lines = []
            for paragraph in body:
                for sentence in paragraph.replace("“", '"').replace("”", '"').split(". "):
                    lines.append("  " + sentence.strip() + ("" if sentence.endswith(".") else "."))
                lines.append("")
            return self._article(
                number, source, title.title(), body, at, kind, original.id, story,
                text="\n".join(lines) + "\n",
            )  # fmt: skip
        if kind == "wrapped":
            # The same story inside the re-poster's page furniture.
            extra_header = [f"From our partners at {original.source}.", f"Updated {at:%H:%M} UTC"]
            extra_footer = [f"Read more stories like this at {source.domain}."]
            text = "\n\n".join(
                [*source.header, *extra_header, *body, *extra_footer, *source.footer]
            )
            return self._article(
                number, source, title, body, at, kind, original.id, story, text=text
            )
        if kind == "truncated":
            # A teaser or a cut feed: the first 80-95% of the words, cut at a sentence end.
            words = " ".join(body).split(" ")
            keep = " ".join(words[: int(len(words) * self.rng.uniform(0.8, 0.95))])
            cut = keep.rfind(". ")
            keep = keep[: cut + 1] if cut > 0 else keep
            return self._article(number, source, title, [keep], at, kind, original.id, story)
        # Lightly edited: 1-3% of the words replaced, a sentence added at the end.
        edited = []
        for paragraph in body:
            words = paragraph.split(" ")
            for _ in range(max(1, int(len(words) * self.rng.uniform(0.01, 0.03)))):
                words[self.rng.randrange(len(words))] = self._words(1)[0]
            edited.append(" ".join(words))
        edited.append(self._sentence(story))
        return self._article(number, source, title, edited, at, kind, original.id, story)

    def generate(
        self, count: int, copy_share: float = 0.3, takes: tuple[int, int] = (2, 6)
    ) -> list[Article]:
        """`count` articles in publication order (a few hours of news), about `copy_share` copies.

        New stories start at a steady pace; each gets 2-6 takes spread over the following
        articles; copies pick an original from the recent past, as syndication does.
        """
        return list(self.iterate(count, copy_share, takes))

    def iterate(
        self, count: int, copy_share: float = 0.3, takes: tuple[int, int] = (2, 6)
    ) -> Iterator[Article]:
        """The articles of `generate`, one at a time in constant memory (for long runs)."""
        originals: list[tuple[Article, _Story]] = []
        open_stories: list[tuple[_Story, int]] = []  # (story, takes left)
        story_count = 0
        at = _START
        for number in range(count):
            at += timedelta(seconds=self.rng.uniform(0.5, 3.0))
            if originals and self.rng.random() < copy_share:
                recent = originals[-300:]
                original, story = recent[int(len(recent) * (1 - self.rng.random() ** 2))]
                yield self._copy(number, original, story, at)
                continue
            if not open_stories or self.rng.random() < 0.3:
                open_stories.append((self._new_story(story_count), self.rng.randint(*takes)))
                story_count += 1
            index = self.rng.randrange(len(open_stories))
            story, left = open_stories[index]
            article = self._original(number, story, at)
            yield article
            originals.append((article, story))
            if len(originals) > 600:
                del originals[:-300]  # copies pick from the last 300 only
            if left <= 1:
                open_stories.pop(index)
            else:
                open_stories[index] = (story, left - 1)


def generate_articles(count: int, seed: int = 8) -> list[Article]:
    """The benchmark's articles: the same list for the same count and seed."""
    return ArticleGenerator(seed=seed).generate(count)


def corpus_summary(articles: list[Article]) -> dict[str, Any]:
    """What the generated data looks like, for the report: sizes, kinds, sources, stories."""
    sizes = sorted(len(a.value()) for a in articles)
    kinds: dict[str, int] = {}
    for article in articles:
        kinds[article.kind] = kinds.get(article.kind, 0) + 1
    return {
        "articles": len(articles),
        "bytes_total": sum(sizes),
        "bytes_median": sizes[len(sizes) // 2] if sizes else 0,
        "bytes_min": sizes[0] if sizes else 0,
        "bytes_max": sizes[-1] if sizes else 0,
        "kinds": kinds,
        "copy_share": round(1 - kinds.get("original", 0) / max(1, len(articles)), 3),
        "sources": len({a.source for a in articles}),
        "stories": len({a.story for a in articles}),
    }
