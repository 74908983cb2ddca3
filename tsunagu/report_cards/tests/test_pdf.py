"""The PDFs: produced for a pupil and a class, on the school's paper, with the Japanese fonts embedded;
a page rendered to PNG (kept in artifacts/ for a person to look at) is not blank."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typst
from django.conf import settings
from django.urls import reverse

from tsunagu.core.pdf import FONT_DIR
from tsunagu.report_cards import selectors, services
from tsunagu.report_cards.models import Paper
from tsunagu.report_cards.pdf import TEMPLATE

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)  # points
A3_LANDSCAPE = (1190.55, 841.89)
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "report_cards"


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height of every page, from the PDF's page dictionaries."""
    found = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(round(float(w), 2), round(float(h), 2)) for w, h in found]


def test_pupil_preview_is_an_a4_pdf_with_japanese_fonts(
    client_as: Any, room: Any, term1: Any, child: Any
) -> None:
    response = client_as("teacher").get(
        reverse("report_cards:pupil_pdf", args=[room.uuid, term1.number, child.uuid])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    boxes = media_boxes(pdf)
    assert len(boxes) == 2 and all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in boxes)
    assert b"BIZUDMincho" in pdf and b"BIZUDGothic" in pdf


def test_class_pdf_has_two_pages_a_pupil(client_as: Any, room: Any, term1: Any, users: Any) -> None:
    pupils = selectors.class_enrolments(actor=users["teacher"], homeroom=room, term=term1)
    response = client_as("teacher").get(reverse("report_cards:class_pdf", args=[room.uuid, term1.number]))
    assert response.status_code == 200
    assert len(media_boxes(response.content)) == 2 * len(pupils)


def test_a3_folded_paper(client_as: Any, room: Any, term1: Any, child: Any, users: Any) -> None:
    template = selectors.template_for(room.school)
    template.paper = Paper.A3_FOLDED
    services.report_card_template_save(actor=users["principal"], template=template)
    response = client_as("teacher").get(
        reverse("report_cards:pupil_pdf", args=[room.uuid, term1.number, child.uuid])
    )
    boxes = media_boxes(response.content)
    assert len(boxes) == 2
    assert all(abs(w - A3_LANDSCAPE[0]) < 1 and abs(h - A3_LANDSCAPE[1]) < 1 for w, h in boxes)


def _png_pages(content: dict[str, Any]) -> list[bytes]:
    compiler = typst.Compiler(
        root=str(settings.PACKAGE_DIR), font_paths=[str(FONT_DIR)], ignore_system_fonts=True
    )
    data = json.dumps({"cards": [{**content, "draft": False}]}, ensure_ascii=False)
    pages = compiler.compile(
        input=str(Path(settings.PACKAGE_DIR) / TEMPLATE), format="png", ppi=72, sys_inputs={"data": data}
    )
    found = pages if isinstance(pages, list) else [pages]
    return [page for page in found if page is not None]


def test_rendered_page_is_not_blank_and_kept_for_a_look(
    room: Any, term1: Any, users: Any, child: Any
) -> None:
    """Both pages as images, saved under artifacts/report_cards/ for a person to look at (Japanese must
    read correctly: checked by eye when this form changes); here: A4 at 72 ppi, and far more ink than an
    empty page (which compresses to a few hundred bytes)."""
    import struct

    enrolments = [
        e
        for e in selectors.class_enrolments(actor=users["teacher"], homeroom=room, term=term1)
        if e.student_id == child.pk
    ]
    content = selectors.cards_content(actor=users["teacher"], term=term1, enrolments=enrolments)[child.pk]
    pages = _png_pages(content)
    assert len(pages) == 2
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for i, png in enumerate(pages, start=1):
        (ARTIFACTS / f"card-page{i}.png").write_bytes(png)
        assert png.startswith(b"\x89PNG")
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) == (round(A4[0]), round(A4[1]))
        assert len(png) > 15_000
