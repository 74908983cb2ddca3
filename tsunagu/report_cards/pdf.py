"""Rendering 通知表 with Typst: any number of cards in one compile (``typst/report_card.typ``).

One compile per class (or per school) rather than per pupil: the compiler's start-up and the fonts are
paid once, and a class of 35 is one PDF to print.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tsunagu.core.pdf import render_pdf

TEMPLATE = "report_cards/typst/report_card.typ"


def render_cards(cards: Sequence[tuple[dict[str, Any], bool]]) -> bytes:
    """The PDF of ``cards``, each ``(content, draft)``: draft cards carry a 下書き mark (data not
    approved yet); approved ones print their frozen content exactly."""
    return render_pdf(TEMPLATE, {"cards": [{**content, "draft": draft} for content, draft in cards]})


def pdf_name(*parts: str) -> str:
    """A file name from its parts (school, class, term, pupil), spaces removed."""
    return "_".join(p.replace(" ", "").replace("　", "") for p in parts if p) + ".pdf"
