"""`syndic eval` on labelled files made elsewhere: no ids, repeated ids, HTML, gaps, bad lines."""

from __future__ import annotations

import io
from pathlib import Path

import orjson

from syndic.evaluation import eval_command, evaluate_stories
from syndic.evaluation.runner import load_labelled
from syndic.settings import Settings

COUNCIL = (
    "The city council of Brookfield voted on Tuesday to approve a budget of 4.2 million "
    "dollars for road repairs, Mayor Ada Quimby said after the meeting. It passed seven to two."
)
COUNCIL_AGAIN = (
    "Brookfield's council approved a 4.2 million dollar road repair budget on Tuesday. Mayor "
    "Ada Quimby welcomed the seven-to-two vote and said the work would start in the spring."
)
QUAKE = (
    "A magnitude 6.1 earthquake struck off the coast of Valdoria late on Sunday, the survey "
    "said, with no immediate reports of damage in Port Mirel or in the capital, Santa Lenora."
)
QUAKE_AGAIN = (
    "Valdoria was shaken by a 6.1 magnitude earthquake on Sunday night; officials in Port "
    "Mirel and Santa Lenora reported no damage, according to the survey."
)


def _write(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n\n")
    return path


def test_records_without_ids_html_and_gaps_are_scored(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "labelled.jsonl",
        [
            {"text": COUNCIL, "cluster": 1},  # no id
            {"id": "b", "text": COUNCIL_AGAIN, "cluster": 1},
            {"html": f"<html><body><p>{QUAKE}</p></body></html>", "cluster": 2},
            {"id": "b", "text": QUAKE_AGAIN, "cluster": 2},  # the same id again
            {"id": "e", "text": "", "cluster": 3},  # rejected by the core
            {"id": "f", "text": QUAKE_AGAIN + " Schools reopened on Monday."},  # no cluster
        ],
    )
    ids = [r["id"] for r in load_labelled(path)]
    assert ids == ["line-1", "b", "line-3", "b~2", "e", "f"]
    report = evaluate_stories(path, Settings())
    assert (report.articles, report.unlabelled, report.rejected) == (4, 1, 1)
    assert report.bcubed.f1 == 1.0  # two stories, each told twice, the HTML one included
    out = io.StringIO()
    assert eval_command(path, Settings(), out=out) == 0
    assert out.getvalue().startswith(
        "stories over 4 articles (1 without a cluster, 1 rejected by the core, not scored)"
    )
    assert "generated copies of 11 kinds" not in out.getvalue()
    out = io.StringIO()
    assert eval_command(path, Settings(), more_copies=True, out=out) == 0
    more = out.getvalue().split("generated copies of 11 kinds", 1)[1]
    assert "recall lead" in more and "recall reworded" in more and "recall verbatim" in more


def test_a_line_that_is_not_json_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_bytes(orjson.dumps({"text": COUNCIL, "cluster": 1}) + b"\n{oops\n")
    out = io.StringIO()
    assert eval_command(path, Settings(), out=out) == 2
    assert out.getvalue().startswith(f"cannot evaluate: {path}:2: not JSON")
    path.write_bytes(b"[1, 2]\n")
    out = io.StringIO()
    assert eval_command(path, Settings(), out=out) == 2
    assert f"{path}:1: not a JSON object" in out.getvalue()


def test_dates_are_used_only_when_asked(tmp_path: Path) -> None:
    """With `dated`, event time is the articles' own, as in the stream: a write-up a month
    after the first is past the 72-hour window and starts its own story. By default (ECB+
    has no dates) every article is ingested a second after the one before."""
    path = _write(
        tmp_path / "dated.jsonl",
        [
            {"id": "a", "text": COUNCIL, "published_at": "2026-01-05T10:00:00Z", "cluster": 1},
            {
                "id": "b",
                "text": COUNCIL_AGAIN,
                "published_at": "2026-02-05T10:00:00Z",
                "cluster": 1,
            },
            {"text": "", "cluster": 2},  # a dead letter either way
        ],
    )
    undated = evaluate_stories(path, Settings())
    dated = evaluate_stories(path, Settings(), dated=True)
    assert (undated.bcubed.f1, undated.rejected) == (1.0, 1)
    assert dated.bcubed.recall == 0.5 and dated.rejected == 1
    assert eval_command(path, Settings(), dated=True, out=io.StringIO()) == 0
