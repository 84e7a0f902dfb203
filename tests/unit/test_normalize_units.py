"""Pinned values for the normalizer's parts: dates, URLs, lines, hygiene, rejects."""

from __future__ import annotations

from typing import Any

import pytest

from syndic.core.model import RejectedInput, RejectReason
from syndic.core.normalize import (
    Normalizer,
    NormalizeSettings,
    dates,
    hygiene,
    rules,
    structure,
    urls,
)

STORY = (
    "The committee met on Tuesday to review the plan, and members asked for more time to read it."
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2021-07-11T21:32:00+02:00", "2021-07-11T19:32:00Z"),
        ("2021-07-11 21:32", "2021-07-11T21:32:00Z"),
        ("11 July 2021 - 21:32", "2021-07-11T21:32:00Z"),
        ("11 Jul. 2021, 19:04", "2021-07-11T19:04:00Z"),
        ("2021 Jul 11, 12:14, Seoul", "2021-07-11T12:14:00Z"),
        ("July 11, 2021 9:05 PM", "2021-07-11T21:05:00Z"),
        ("not a date at all", None),
        ("", None),
        # the zone after the time counts (RSS pubDate, RFC 2822)
        ("Tue, 01 Dec 2026 22:47:24 +0200", "2026-12-01T20:47:24Z"),
        ("Tue, 01 Dec 2026 22:47:24 GMT", "2026-12-01T22:47:24Z"),
        ("Dec 1, 2026 22:47:24 -0500", "2026-12-02T03:47:24Z"),
        ("December 1, 2026 10:47 PM EST", "2026-12-02T03:47:00Z"),
        ("1 Dec 2026 22:47 CEST", "2026-12-01T20:47:00Z"),
        ("2021-07-11 21:32 -05:00", "2021-07-12T02:32:00Z"),
        ("1 Dec 2026 22:47 AFP", "2026-12-01T22:47:00Z"),  # no zone: UTC, as without one
        ("1 Dec 2026 22:47 +9999", "2026-12-01T22:47:00Z"),  # no such offset
        # dateparser for the rest, whole dates only: nothing is filled in from today
        ("1. Dezember 2026", "2026-12-01T00:00:00Z"),
        ("5 March", None),
        ("n/a", None),
        ("yesterday evening", None),
    ],
)
def test_given_dates(given: str, expected: str | None) -> None:
    assert dates.parse_given(given) == expected


def test_a_date_line_keeps_what_follows_its_zone_and_capitals_that_name_none() -> None:
    east = dates.date_line("11 July 2021 21:32 EDT Washington")
    assert east is not None
    assert (dates.to_iso(east[0]), east[1]) == ("2021-07-12T01:32:00Z", "Washington")
    agency = dates.date_line("11 July 2021 21:32 AFP")
    assert agency is not None
    assert (dates.to_iso(agency[0]), agency[1]) == ("2021-07-11T21:32:00Z", "AFP")


def test_labelled_dates() -> None:
    assert dates.labelled_date("Publish Date : 11 July 2021 - 21:32") == (
        "published",
        "2021-07-11T21:32:00Z",
    )
    assert dates.labelled_date("Updated: 11 Jul. 2021, 19:25") == (
        "updated",
        "2021-07-11T19:25:00Z",
    )
    assert dates.labelled_date(STORY) is None


def test_banner() -> None:
    assert dates.is_banner("Saturday Nov 23, 2024")
    assert not dates.is_banner("2021 Jul 11, 12:14, Seoul South Korea")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://News.Example.COM:443/a/b?utm_source=tw&z=1&fbclid=x&a=2#frag",
            "https://news.example.com/a/b?a=2&z=1",
        ),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/x?gclid=1", "http://example.com:8080/x"),
        ("not a url", None),
        ("http://[::1", None),
    ],
)
def test_canonical_url(url: str, expected: str | None) -> None:
    assert urls.canonical_url(url) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Share this article",
        "SHARE THIS ARTICLE",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "Back to top button",
        "News ID: 92313",
        "* Comment:",
        "© 2020 Example Media. All rights reserved.",
        "Contact: desk@example.org",
        "www.example.org",
        "Tags: politics, economy",
        "Photo: Jane Roe / Example",
        "FILE - In this June 2019 photo, officials meet.",
        "Editor: John Roe",
        "Information Department Registration No. 1505",
        "##",
        "Read more: Council approves the budget",
        "Advertisement - scroll to continue",
        "Image source, Example Images",
        "Officials at the site on Monday. (AP Photo/Jane Roe)",
        "Updated 3 hours ago",
        "4 min read",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert rules.is_boilerplate_line(line)


def test_story_lines_are_kept() -> None:
    assert not rules.is_boilerplate_line(STORY)
    assert not rules.is_boilerplate_line("“We will share the results,” she said.")


def test_footer_crumb_byline() -> None:
    assert rules.starts_footer("READ ALSO:")
    assert rules.starts_footer("Related Articles")
    assert not rules.starts_footer(STORY)
    assert rules.is_crumb("News   /   Koreas") or rules.is_crumb("News / Koreas")
    assert rules.is_crumb("world news")
    assert not rules.is_crumb("Leaders of North Korea, China vow to strengthen ties")
    assert rules.byline("BY MICHAEL LEE [[email protected]]") == "Michael Lee"
    assert rules.byline("By Jane Doe") == "Jane Doe"
    assert rules.byline("Reporting by Jane Doe; Editing by John Roe") == "Jane Doe"
    assert dates.labelled_date("Last modified on Tue 3 Mar 2020 10.15 GMT") == (
        "updated",
        "2020-03-03T10:15:00Z",
    )


def test_title_suffix() -> None:
    assert structure.clean_title("A headline here | Site News") == "A headline here"


def test_hygiene() -> None:
    assert hygiene.repair("caf\u00c3\u00a9 \u00e2\u20ac\u0153hi\u00e2\u20ac\u009d") == "café “hi”"
    assert hygiene.repair("a\u200bb\u202ec\x07d") == "abcd"
    assert hygiene.repair("e\u0301") == "é"
    assert hygiene.clean_lines("  a \t b \n\n\n c  ") == ["a b", "c"]
    assert hygiene.fingerprint_form("“Hello,” World — OK!") == "hello world ok"


def _normalize(**fields: Any) -> Any:
    return Normalizer().normalize({"id": 1, "source": "s", **fields})


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"text": "   \n\t "}, RejectReason.EMPTY_AFTER_CLEANING),
        ({"text": "Share this article\nSubscribe"}, RejectReason.EMPTY_AFTER_CLEANING),
        ({"text": 5}, RejectReason.SCHEMA_VIOLATION),
        ({"text": STORY, "meta": []}, RejectReason.SCHEMA_VIOLATION),
        ({"text": STORY, "title": ["x"]}, RejectReason.SCHEMA_VIOLATION),
        ({"text": "!!! ??? ...\n*** --- ***"}, RejectReason.EMPTY_AFTER_CLEANING),
    ],
)
def test_rejects(fields: dict[str, Any], reason: RejectReason) -> None:
    with pytest.raises(RejectedInput) as caught:
        _normalize(**fields)
    assert caught.value.reason == reason


def test_too_large() -> None:
    normalizer = Normalizer(NormalizeSettings(max_text_chars=100))
    with pytest.raises(RejectedInput) as caught:
        normalizer.normalize({"id": 1, "source": "s", "text": STORY * 5})
    assert caught.value.reason == RejectReason.TOO_LARGE


def test_given_fields_win_and_bad_dates_are_null() -> None:
    article = _normalize(
        text=STORY,
        title="Given title | Outlet",
        published_at="yesterday-ish??",
        fetched_at="2024-01-02T03:04:05Z",
        lang="EN",
        meta={"k": 1},
        url="https://Example.com/x?utm_medium=a",
    )
    assert article.title == "Given title"
    assert article.published_at is None
    assert article.fetched_at == "2024-01-02T03:04:05Z"
    assert article.lang == "en"
    assert article.meta == {"k": 1}
    assert article.url == "https://example.com/x"
    assert article.id == "1"
    assert len(article.content_hash) == 32
    assert article.word_count == len(article.fingerprint_text.split())


def test_language_detection() -> None:
    french = (
        "Le conseil municipal a voté mardi soir un budget qui prévoit la rénovation de "
        "la bibliothèque et de nouvelles pistes cyclables le long du fleuve."
    )
    assert _normalize(text=french).lang == "fr"
    assert _normalize(text=STORY).lang == "en"


def test_repeated_header_date_is_a_banner_not_the_publication_date() -> None:
    text = "\n".join(
        ["Nov 23, 2024", "Nov 23, 2024", "A headline for the test", "2021-07-11 08:00", STORY]
    )
    article = _normalize(text=text)
    assert article.published_at == "2021-07-11T08:00:00Z"
    assert article.title == "A headline for the test"
    assert "2024" not in article.text


def test_benchmark_runs_small() -> None:
    from syndic.benchmarks.normalize import main

    assert main(["--articles", "20", "--html-articles", "3"]) == 0


@pytest.mark.parametrize("given", ["9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z", "1850-06-01"])
def test_dates_no_news_article_carries_are_nulls(given: str) -> None:
    article = Normalizer().normalize(
        {"id": "x", "source": "s", "text": "A short article.", "published_at": given}
    )
    assert article.published_at is None


def test_a_plausible_given_date_is_kept_in_utc() -> None:
    article = Normalizer().normalize(
        {"id": "x", "source": "s", "text": "A short article.", "published_at": "1999-12-31 23:30"}
    )
    assert article.published_at == "1999-12-31T23:30:00Z"


def test_character_references_in_plain_text_are_decoded() -> None:
    escaped = "AT&amp;T said&nbsp;on Tuesday &#8220;it will&#8221; grow, R&D and ?a=1&copy=2 too."
    article = _normalize(text=escaped + "\n" + STORY)
    decoded = "AT&T said on Tuesday “it will” grow, R&D and ?a=1&copy=2 too."
    assert article.text.split("\n")[0] == decoded
    words = article.fingerprint_text.split()
    assert "amp" not in words and "nbsp" not in words and "8220" not in words


def test_an_html_fragment_in_the_text_field_loses_its_markup() -> None:
    fragment = (
        "<p>The council <b>voted</b> on Tuesday.</p><script>var tracking = 1;</script>"
        f"<p>{STORY}<br>A second line of the story follows here.</p>"
    )
    article = _normalize(text=fragment)
    assert article.text.split("\n") == [
        "The council voted on Tuesday.",
        STORY,
        "A second line of the story follows here.",
    ]


def test_a_whole_page_in_the_text_field_is_extracted_as_a_page() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>Council closes the bridge</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><p>{STORY} {STORY}</p>"
        f"<p>{STORY}</p></article></body></html>"
    )
    article = _normalize(text=page)
    assert "<" not in article.text and STORY in article.text
    assert article.title == "Council closes the bridge"


def test_a_text_that_only_compares_numbers_is_not_markup() -> None:
    text = "Inflation fell to < 2% while rates stayed > 4%, the bank said on Tuesday."
    assert _normalize(text=text).text == text


@pytest.mark.parametrize(
    ("title", "source", "url", "expected"),
    [
        (
            "Council closes the bridge - The Daily Herald",
            "Daily Herald",
            None,
            "Council closes the bridge",
        ),
        (
            "Council closes the bridge — NY Daily News",
            "nydailynews.com",
            None,
            "Council closes the bridge",
        ),
        (
            "Council closes the bridge - Reuters",
            "wire",
            "https://www.reuters.com/a/1",
            "Council closes the bridge",
        ),
        # an outlet named after the site it registered, under a country's second level
        (
            "Council closes the bridge - BBC News",
            "bbc",
            "https://www.bbc.co.uk/news/articles/c0ab12",
            "Council closes the bridge",
        ),
        (
            "Council closes the bridge - Sky News",
            "feed-7",
            "https://news.sky.com/story/council-123",
            "Council closes the bridge",
        ),
        # a dash of the headline's own, or a name that is not the outlet's: kept
        (
            "Council closes the bridge - BBC says",
            "wire",
            "https://www.theguardian.com/uk/1",
            "Council closes the bridge - BBC says",
        ),
        ("Storm hits the coast - three dead", "Reuters", None, "Storm hits the coast - three dead"),
        (
            "Lohan checks into Court - Ordered Rehab",
            "etonline.com",
            None,
            "Lohan checks into Court - Ordered Rehab",
        ),
        (
            "Protests spread - USA",
            "wire",
            "https://www.usatoday.com/story/1",
            "Protests spread - USA",
        ),
    ],
)
def test_a_title_loses_its_own_outlet_s_name_after_a_dash(
    title: str, source: str, url: str | None, expected: str
) -> None:
    assert _normalize(text=STORY, title=title, source=source, url=url).title == expected


def test_the_publication_date_says_where_it_was_found() -> None:
    """Given by the producer, read from the page's markup, or from a date line of the text:
    the window trusts the text's reading least (decision._place_in_stream)."""
    given = _normalize(text="Updated: July 7, 2012\n" + STORY, published_at="2021-07-11 08:00")
    assert (given.published_at, given.published_at_source) == ("2021-07-11T08:00:00Z", "given")
    read = _normalize(text="Updated: July 7, 2012\n" + STORY)
    assert read.published_at is None and read.updated_at == "2012-07-07T00:00:00Z"
    line = _normalize(text="Posted: July 7, 2012\n" + STORY)
    assert (line.published_at, line.published_at_source) == ("2012-07-07T00:00:00Z", "text")
    page = (
        "<!DOCTYPE html><html><head><title>Council closes the bridge</title>"
        '<meta property="article:published_time" content="2022-09-30T06:45:00+02:00">'
        f"</head><body><article><p>{STORY} {STORY}</p><p>{STORY}</p></article></body></html>"
    )
    marked = _normalize(text=page)
    assert (marked.published_at, marked.published_at_source) == ("2022-09-30T04:45:00Z", "page")
    assert _normalize(text=STORY).published_at_source is None
    unreadable = _normalize(text="Posted: July 7, 2012\n" + STORY, published_at="whenever")
    assert unreadable.published_at_source == "text"  # an unparsable given date falls through
    placeholder = _normalize(text=STORY, published_at="0001-01-01T00:00:00Z")
    assert (placeholder.published_at, placeholder.published_at_source) == (None, None)
