"""Language detection on its short sample still names the development set's English articles."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from syndic.core.normalize import NormalizeSettings, language

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ecbplus-dev.jsonl"


def test_the_sample_length_names_english_articles_english() -> None:
    if not DEV.exists():
        pytest.skip("development set not available")
    texts = [orjson.loads(line)["text"] for line in DEV.read_bytes().splitlines() if line]
    prefix = NormalizeSettings().lang_prefix_chars
    english = sum(1 for text in texts if language.detect(text, prefix) == "en")
    assert english >= len(texts) - 2
