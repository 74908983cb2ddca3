"""Japanese text normalisation for search."""

from __future__ import annotations

import unicodedata

import jaconv


def normalize_for_search(text: str) -> str:
    """Fold width, katakana→hiragana, case and spacing so that ﾔﾏﾀﾞ, ヤマダ and やまだ match.

    NFKC turns half-width kana and full-width Latin into their usual forms; jaconv then maps
    katakana to hiragana. Spaces (ASCII and the ideographic space) are removed.
    """
    folded = unicodedata.normalize("NFKC", text or "")
    folded = jaconv.kata2hira(folded).lower()
    return "".join(folded.split())
