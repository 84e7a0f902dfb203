"""The seeds as a feed may carry them: item HTML in the `text` field, its characters escaped,
RSS dates with their zones. Normalized, each is the plain seed again, and the five still make
one story with no copies among them."""

from __future__ import annotations

import html

from syndic.core.normalize import Normalizer
from syndic.evaluation.runner import run
from syndic.settings import Settings
from tests.pipeline.test_dedup_seeds import seed_records


def _as_feed_item(record: dict[str, str], number: int) -> dict[str, str]:
    """Each line a paragraph of escaped HTML; curly quotes as numeric references."""
    paragraphs = [
        "<p>" + html.escape(line).replace("“", "&#8220;").replace("”", "&#8221;") + "</p>"
        for line in record["text"].split("\n")
        if line.strip()
    ]
    hour = 21 - number
    return {
        **record,
        "text": "\n".join(paragraphs),
        "published_at": f"Sun, 11 Jul 2021 {hour:02d}:32:00 +0900",
    }


def test_a_seed_from_a_feed_normalizes_to_the_plain_seed() -> None:
    normalizer = Normalizer()
    for number, record in enumerate(seed_records()):
        plain = normalizer.normalize(record)
        fed = normalizer.normalize(_as_feed_item(record, number))
        assert "<" not in fed.text and "&#" not in fed.text
        assert fed.content_hash == plain.content_hash
        assert fed.title == plain.title
        assert fed.published_at == f"2021-07-11T{21 - number - 9:02d}:32:00Z"


def test_the_seeds_from_a_feed_make_one_story_and_no_copies() -> None:
    records = [_as_feed_item(r, n) for n, r in enumerate(seed_records())]
    for order in ([0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]):
        outputs = run([records[i] for i in order], Settings())
        assert len({o["story_id"] for o in outputs}) == 1, order
        assert {o["dedup"]["status"] for o in outputs} == {"unique"}, order
