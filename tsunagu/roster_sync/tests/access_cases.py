"""Access-matrix cases of the OneRoster pages: principal and office staff (their school) and the board
(the ward); every other role has no rule (403). An empty upload is a bad request for those who may."""

from __future__ import annotations

from tsunagu.core.tests.access_matrix import Case, expect

EXPORTERS = {"principal": 200, "office": 200, "board": 200}

CASES: list[Case] = [
    Case("roster_sync:export", "the page", expect(403, **EXPORTERS)),
    Case("roster_sync:check", "no file", expect(403, principal=400, office=400, board=400), method="post"),
]
