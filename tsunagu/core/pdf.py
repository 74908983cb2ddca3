"""PDF forms with Typst: one renderer for every 帳票 (certificates, the 出席簿, 保健日誌, 通知表, …).

A form is a ``.typ`` template in its app (``tsunagu/<app>/typst/<name>.typ``) that imports our shared
library ``/core/typst/tsunagu.typ`` (page set-up, fonts, helpers) and reads its data with
``#let data = load-data()``. Python prepares every value the form prints — 和暦 dates
(``tsunagu.core.wareki``), names, totals — so a template only lays text out and never decides.

The Japanese fonts (BIZ UD明朝 / BIZ UDゴシック, SIL OFL) come from npm and are copied next to the
library by ``manage.py build_assets``; system fonts are ignored so that a PDF looks the same on every
machine. Rendering takes milliseconds a page, so single forms are rendered in the request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import typst
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.http import content_disposition_header

TYPST_DIR = Path(settings.PACKAGE_DIR) / "core" / "typst"
FONT_DIR = TYPST_DIR / "fonts"

# One compiler (fonts parsed once) shared by the threads of a process; Typst's compiler is not
# documented as thread-safe, so calls are serialised.
_lock = threading.Lock()


class PdfError(RuntimeError):
    """A template failed to compile: a programming error in the form, never a user's input error."""


@cache
def _compiler() -> Any:
    if not FONT_DIR.is_dir() or not any(FONT_DIR.glob("*.ttf")):
        raise PdfError(f"PDF fonts are missing in {FONT_DIR}: run `make setup` (manage.py build_assets).")
    return typst.Compiler(
        root=str(settings.PACKAGE_DIR), font_paths=[str(FONT_DIR)], ignore_system_fonts=True
    )


def render_pdf(template: str, data: Mapping[str, Any]) -> bytes:
    """Compile ``template`` (a path under the tsunagu package, e.g. ``"students/typst/certificate.typ"``)
    with ``data`` (JSON-serialisable; dates become ISO strings) and return the PDF bytes."""
    path = Path(settings.PACKAGE_DIR) / template
    if not path.is_file():
        raise PdfError(f"no such form template: {template}")
    inputs = {"data": json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)}
    try:
        with _lock:
            result = _compiler().compile(input=str(path), format="pdf", sys_inputs=inputs)
    except Exception as error:  # typst raises its own error types with the template's diagnostics
        raise PdfError(f"{template}: {error}") from error
    if not isinstance(result, bytes):
        raise PdfError(f"{template}: Typst returned {type(result).__name__}, not one PDF")
    return result


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    """The PDF as an HTTP response: shown in the browser (to print) unless ``download``; the Japanese
    file name is sent the RFC 6266 way so that Safari on an iPad and Edge both keep it."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(download, filename) or "inline"
    response["Cache-Control"] = "private, no-store"  # forms hold personal data: never cached
    return response
