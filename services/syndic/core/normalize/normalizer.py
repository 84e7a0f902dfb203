"""The normalizer: raw dict in, NormalizedArticle out, or RejectedInput; nothing else escapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import xxhash

from syndic.core.dedup import terms
from syndic.core.dedup.shingle import CHARACTER_LANGUAGES
from syndic.core.model import NormalizedArticle, RejectedInput, RejectReason
from syndic.core.normalize import dates, hygiene, language, structure, urls
from syndic.core.normalize.html import Extracted, extract, fragment_text, is_markup, is_page
from syndic.core.normalize.memory import BoilerplateMemory


@dataclass(frozen=True, slots=True)
class NormalizeSettings:
    """Limits keep time per article bounded on hostile input; defaults suit news."""

    max_text_chars: int = 500_000
    max_html_chars: int = 2_000_000
    # trafilatura's passes are linear in a page's tags at ~19 µs each: a 2 MB page of 108,000
    # one-word elements held a worker 4.4 s (BENCHMARKS.md, worst case). A news page has a
    # few thousand elements; a page of this many "<" takes ~3 s.
    max_html_tags: int = 150_000
    max_paragraphs: int = 2_000
    max_line_chars: int = 50_000
    lang_prefix_chars: int = 160
    memory_min_repeats: int = 3
    memory_zone_lines: int = 6
    memory_max_line_chars: int = 200


class Normalizer:
    def __init__(self, settings: NormalizeSettings | None = None) -> None:
        self.settings = settings or NormalizeSettings()

    def normalize(
        self, raw: Mapping[str, Any], memory: BoilerplateMemory | None = None
    ) -> NormalizedArticle:
        try:
            return self._normalize(raw, memory)
        except RejectedInput:
            raise
        except RecursionError as error:
            raise RejectedInput(
                RejectReason.NOT_TEXT, f"input too deeply nested: {error}"
            ) from None
        except Exception as error:
            raise RejectedInput(
                RejectReason.INTERNAL_ERROR, f"{type(error).__name__}: {error}"
            ) from None

    def _normalize(
        self, raw: Mapping[str, Any], memory: BoilerplateMemory | None
    ) -> NormalizedArticle:
        _check_types(raw)
        source = str(raw["source"])
        extracted = None
        text = raw.get("text") or ""
        if not text and raw.get("html"):
            html = raw["html"]
            if len(html) > self.settings.max_html_chars:
                raise RejectedInput(RejectReason.TOO_LARGE, f"html has {len(html)} characters")
            extracted = self._extract(html)
            text = extracted.text
        elif len(text) <= self.settings.max_text_chars and is_markup(text):
            # HTML where plain text belongs: a page is extracted as one, a fragment's tags go
            if is_page(text):
                extracted = self._extract(text)
                text = extracted.text
            else:
                text = fragment_text(text)
        if len(text) > self.settings.max_text_chars:
            raise RejectedInput(RejectReason.TOO_LARGE, f"text has {len(text)} characters")
        lines = self._lines(text)
        layout = structure.analyse(lines)
        body = self._apply_memory(source, str(raw["id"]), lines, layout.lines, memory)
        if not body:
            raise RejectedInput(RejectReason.EMPTY_AFTER_CLEANING, "no text left after cleaning")
        clean = "\n".join(body)
        lang = _given_lang(raw.get("lang")) or language.detect(
            clean, self.settings.lang_prefix_chars
        )
        fingerprint_text = _fingerprint_form(clean, lang)
        if not fingerprint_text:
            raise RejectedInput(RejectReason.NOT_TEXT, "no letters or digits in the text")
        title = raw.get("title") or (extracted.title if extracted else None)
        title = (
            structure.clean_title(" ".join(hygiene.clean_lines(hygiene.repair(title))))
            if title
            else layout.title
        )
        if title:
            title = structure.without_own_name(title, source, raw.get("url"))
        published_at, published_at_source = _publication_date(raw, extracted, layout)
        return NormalizedArticle(
            id=str(raw["id"]),
            source=source,
            text=clean,
            fingerprint_text=fingerprint_text,
            content_hash=xxhash.xxh3_128_hexdigest(fingerprint_text.encode()),
            word_count=fingerprint_text.count(" ") + 1,  # one space between words
            title=title or None,
            url=urls.canonical_url(raw.get("url")),
            published_at=published_at,
            published_at_source=published_at_source,
            updated_at=dates.plausible(
                (extracted.updated_at if extracted else None) or layout.updated_at
            ),
            fetched_at=dates.plausible(dates.parse_given(raw.get("fetched_at"))),
            lang=lang,
            byline=(extracted.author if extracted else None) or layout.byline,
            dateline=layout.dateline,
            meta=dict(raw.get("meta") or {}),
        )

    def _extract(self, page: str) -> Extracted:
        tags = page.count("<")  # in C, ~1 ms for 2 MB: an upper bound of the elements
        if tags > self.settings.max_html_tags:
            raise RejectedInput(RejectReason.TOO_LARGE, f"html has {tags} tags")
        return extract(page)

    def _lines(self, text: str) -> list[str]:
        lines = hygiene.clean_lines(hygiene.repair(text))
        if len(lines) > self.settings.max_paragraphs:
            raise RejectedInput(RejectReason.TOO_LARGE, f"{len(lines)} paragraphs")
        cap = self.settings.max_line_chars
        return [line[:cap] for line in lines]

    def _apply_memory(
        self,
        source: str,
        article_id: str,
        raw_lines: list[str],
        kept: list[str],
        memory: BoilerplateMemory | None,
    ) -> list[str]:
        """Drop short head/tail lines this source repeats; then count this article's ones."""
        if memory is None:
            return kept
        zone = self.settings.memory_zone_lines
        limit = self.settings.memory_max_line_chars
        candidates = [line for line in raw_lines[:zone] + raw_lines[-zone:] if len(line) <= limit]
        repeated = memory.repeated(source, article_id, candidates, self.settings.memory_min_repeats)
        result = [line for line in kept if line not in repeated]
        # A story the source happens to resend must not vanish: keep it whole then.
        return result if len(result) * 2 >= len(kept) else kept


def _fingerprint_form(clean: str, lang: str | None) -> str:
    """`hygiene.fingerprint_form(clean)`, from the fingerprint's chunk table where the
    fingerprint will look the same chunks up (`terms.chunk_ids` keeps the last text's rows):
    every language but those whose shingle words are characters."""
    if lang in CHARACTER_LANGUAGES:
        return hygiene.fingerprint_form(clean)
    return terms.chunk_form(terms.chunk_ids(clean))


def _given_lang(value: object) -> str | None:
    if isinstance(value, str) and 2 <= len(value.strip()) <= 3 and value.strip().isalpha():
        return value.strip().lower()
    return None


def _publication_date(
    raw: Mapping[str, Any], extracted: Extracted | None, layout: structure.Layout
) -> tuple[str | None, str | None]:
    """The publication date and where it was found, the producer's first: a date the producer
    gives is an assertion (a replay of an archive gives one), one read from the page's markup
    or a date line of the text is a reading, and the text's is the weakest (a misread, an
    older article quoted, a template's date). An implausible first date is a null, as before
    (it does not fall through to the next)."""
    found = (
        ("given", dates.parse_given(raw.get("published_at"))),
        ("page", extracted.published_at if extracted else None),
        ("text", layout.published_at),
    )
    for where, value in found:
        if value:
            kept = dates.plausible(value)
            return kept, where if kept else None
    return None, None


_STRING_FIELDS = ("text", "html", "url", "title", "published_at", "fetched_at", "lang")


def _check_types(raw: Mapping[str, Any]) -> None:
    if not isinstance(raw, Mapping):
        raise RejectedInput(RejectReason.SCHEMA_VIOLATION, "article is not an object")
    if not isinstance(raw.get("id"), (str, int)) or isinstance(raw.get("id"), bool):
        raise RejectedInput(RejectReason.SCHEMA_VIOLATION, "id must be a string or integer")
    if not isinstance(raw.get("source"), str):
        raise RejectedInput(RejectReason.SCHEMA_VIOLATION, "source must be a string")
    for name in _STRING_FIELDS:
        if raw.get(name) is not None and not isinstance(raw[name], str):
            raise RejectedInput(RejectReason.SCHEMA_VIOLATION, f"{name} must be a string")
    if raw.get("meta") is not None and not isinstance(raw["meta"], dict):
        raise RejectedInput(RejectReason.SCHEMA_VIOLATION, "meta must be an object")
    if not raw.get("text") and not raw.get("html"):
        raise RejectedInput(RejectReason.MISSING_TEXT, "neither text nor html")
