"""Our own fixture articles in other boilerplate styles (plain text and HTML), and the memory."""

from __future__ import annotations

from pathlib import Path

from syndic.core.normalize import BoilerplateMemory, Normalizer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "normalize"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_crumbs_byline_caption_tags_copyright() -> None:
    article = Normalizer().normalize(
        {"id": 1, "source": "a", "text": _text("crumbs_byline_tags.txt")}
    )
    assert article.title == "Harbour town counts the cost of a warmer sea"
    assert article.byline == "Marta Quintal"
    assert article.published_at == "2023-03-03T10:15:00Z"
    assert article.dateline == "Lisbon"
    for gone in ("Home", "Photo:", "Tags:", "Subscribe", "Share on", "©", "Coastal Ledger"):
        assert gone not in article.text, gone
    assert "“We used to be back before lunch,” said Armando Pires" in article.text
    assert article.text.endswith("a vote on the request is expected next month.")


def test_posted_label_and_related_list_footer() -> None:
    raw = {"id": 2, "source": "b", "text": _text("posted_related_footer.txt")}
    article = Normalizer().normalize(raw)
    assert article.title == "Library reopens after two-year renovation"
    assert article.published_at == "2022-05-14T08:30:00Z"
    assert not article.text.startswith("Local")
    for gone in ("You may also like", "cycling lanes", "Bakery", "desk@", "Posted on"):
        assert gone not in article.text, gone
    assert article.text.endswith("from Monday.")


def test_html_page_main_content_and_metadata() -> None:
    raw = {
        "id": 3,
        "source": "c",
        "html": _text("article_page.html"),
        "url": "HTTPS://Rail.Example.ORG/a?utm_source=x&b=2&a=1#top",
    }
    article = Normalizer().normalize(raw)
    assert article.title == "Night trains return to the northern line"
    assert article.byline == "Petra Lindqvist"
    assert article.published_at == "2022-09-30T04:45:00Z"
    assert article.url == "https://rail.example.org/a?a=1&b=2"
    assert "Overnight passenger trains will run again" in article.text
    assert "Regional officials welcomed the decision" in article.text
    for gone in ("Subscribe", "Share this", "Related", "Freight", "news@", "All rights"):
        assert gone not in article.text, gone


def _story(n: int) -> str:
    return "\n".join(
        [
            "Weekly Gazette Morning Edition",
            f"Story number {n} about the harbour and the council vote on the new budget plan.",
            f"Residents discussed item {n} at length during a meeting that ran late.",
            f"The mayor promised that decision {n} would be published online before Friday.",
            "Join the conversation on our forums today",
        ]
    )


def test_memory_learns_what_a_source_repeats() -> None:
    store: dict[str, object] = {}
    memory = BoilerplateMemory(store)
    normalizer = Normalizer()
    outputs = [
        normalizer.normalize({"id": n, "source": "g", "text": _story(n)}, memory) for n in range(6)
    ]
    assert "Join the conversation" in outputs[0].text
    assert "Join the conversation" not in outputs[-1].text
    assert "Weekly Gazette" not in outputs[-1].text
    assert "decision 5 would be published" in outputs[-1].text
    assert list(store) == ["bp:g"]  # one value per source: one changelog record per batch
    assert all(isinstance(n, int) for n in store["bp:g"]["cells"].values())
    # Other sources do not inherit the habits of this one.
    other = normalizer.normalize({"id": 9, "source": "h", "text": _story(9)}, memory)
    assert "Join the conversation" in other.text


def test_memory_is_deterministic_for_an_order() -> None:
    def run() -> tuple[list[str], dict[str, object]]:
        store: dict[str, object] = {}
        memory = BoilerplateMemory(store)
        normalizer = Normalizer()
        texts = [
            normalizer.normalize({"id": n, "source": "g", "text": _story(n)}, memory).text
            for n in range(5)
        ]
        return texts, store

    assert run() == run()


def test_memory_never_empties_a_resent_story() -> None:
    memory = BoilerplateMemory({})
    normalizer = Normalizer()
    raw = {"id": 1, "source": "r", "text": _story(1)}
    for _ in range(5):
        article = normalizer.normalize(raw, memory)
    assert "Residents discussed item 1" in article.text


def test_memory_is_bounded_per_source() -> None:
    store: dict[str, object] = {}
    memory = BoilerplateMemory(store, width=64, depth=2)
    memory.record("s", [f"line {n}" for n in range(5_000)])
    assert len(store["bp:s"]["cells"]) <= 128


def test_memory_ages_so_a_busy_source_never_reads_new_lines_as_repeated() -> None:
    """3,000 articles of one source, each with its own 11 head/tail lines and one real footer:
    without aging the sketch fills up and most new lines would read as seen 3+ times."""
    store: dict[str, object] = {}
    memory = BoilerplateMemory(store)
    for n in range(3_000):
        memory.record("busy", [f"article {n} line {k}" for k in range(11)] + ["Follow us online"])
    fresh = [f"a line never sent before, number {k}" for k in range(1_000)]
    misread = sum(memory.count("busy", line) >= 3 for line in fresh)
    assert misread <= 10  # under 1%
    assert memory.count("busy", "Follow us online") >= 64
    assert len(store["bp:busy"]["cells"]) < 4_000  # of 8,192 possible


def test_wire_dateline_inline_links_photo_credit_and_credits() -> None:
    raw = {"id": 4, "source": "w", "text": _text("wire_credits_footer.txt")}
    article = Normalizer().normalize(raw)
    assert article.title == "Storm closes mountain pass for second day"
    assert article.dateline == "Milan"
    assert article.byline == "Carla Bruni-Tedeschi"
    for gone in ("Read more", "AP Photo", "Reporting by", "Copyright", "redistributed"):
        assert gone not in article.text, gone
    assert "MILAN, Italy (AP) — Snow and high winds" in article.text
    assert article.text.endswith("the kitchen had stayed open through the night.")


def test_memory_counts_an_article_id_once():
    """A redelivery, at its own offset or at a new one (routed twice), loses what it lost the
    first time and changes no count."""
    store: dict[str, object] = {}
    lines = ["Gazette Morning Edition", "Weather desk notes"]

    def deliver(article_id: str) -> set[str]:
        return BoilerplateMemory(store).repeated("g", article_id, lines, 3)

    for n in range(3):
        assert deliver(f"a{n}") == set()
    assert deliver("a3") == set(lines)  # three articles carried them before
    assert BoilerplateMemory(store).count("g", lines[0]) == 4
    assert deliver("a1") == set()
    assert deliver("a3") == set(lines)
    assert BoilerplateMemory(store).count("g", lines[0]) == 4


def test_memory_remembers_the_answers_of_a_bounded_number_of_articles():
    store: dict[str, object] = {}
    memory = BoilerplateMemory(store, recent_answers=16)
    for n in range(100):
        memory.repeated("g", f"a{n}", [f"line {n}"], 3)
    assert list(store["bp:g"]["recent"]) == [f"a{n}" for n in range(84, 100)]  # type: ignore[index]
