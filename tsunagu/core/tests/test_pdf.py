"""The Typst renderer every form uses: Japanese text with embedded fonts, clear errors, safe headers."""

from __future__ import annotations

import pytest

from tsunagu.core.pdf import PdfError, pdf_response, render_pdf

SAMPLE = "core/tests/typst/sample.typ"
DATA = {"name": "渡部 陽向", "birth": "平成28年5月3日", "date": "令和8年12月1日"}


def test_a_form_renders_to_a_pdf_with_the_japanese_font_embedded() -> None:
    pdf = render_pdf(SAMPLE, DATA)
    assert pdf.startswith(b"%PDF-")
    assert b"BIZUDMincho" in pdf  # embedded, so the form prints the same on every machine


def test_the_data_reaches_the_form() -> None:
    # Different data, different document: the template really reads what Python passes.
    assert render_pdf(SAMPLE, DATA) != render_pdf(SAMPLE, {**DATA, "name": "渡部 咲良"})


def test_a_missing_template_or_field_is_a_clear_error() -> None:
    with pytest.raises(PdfError, match="no such form template"):
        render_pdf("core/tests/typst/absent.typ", DATA)
    with pytest.raises(PdfError, match=r"sample\.typ"):
        render_pdf(SAMPLE, {"name": "渡部 陽向"})  # `birth` missing: the template cannot compile


def test_the_response_keeps_the_japanese_file_name_and_is_never_cached() -> None:
    response = pdf_response(b"%PDF-1.7", "在学証明書.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert "no-store" in response["Cache-Control"]
    assert pdf_response(b"", "a.pdf", download=True)["Content-Disposition"].startswith("attachment")
