"""Process tuning applied once the application is loaded (WSGI, ASGI, and the benchmark worker).

Python's cyclic garbage collector runs a full (generation 2) collection every so often, and a full
collection walks every tracked object the process holds — Django's modules, URL patterns, compiled
templates, the translation catalogues: several hundred thousand objects that live as long as the
process. A page that builds many objects (the roster of a 1,100-pupil school) triggers such a run
every few requests, which is the p95 tail we measured (docs/bench.md, roster_page on PostgreSQL).

``tune_gc`` loads the URL configuration (so the views, forms and templates modules are imported),
then ``gc.freeze()`` moves everything alive to the permanent generation, which collections skip, and
raises the generation-0 threshold so that short-lived request objects are collected in fewer, larger
batches. Reference counting still frees almost everything at once; only cycles wait a little longer.
It is on by default since it was measured (decision 0021): the school roster on PostgreSQL, city ward,
quiet machine — the collector's p95 per request 109 ms → 0, CPU p95 223 → 126 ms, wall p95 296 → 210
ms. ``TSUNAGU_GC_TUNING=0`` turns it off (to compare, or if a deployment's memory says otherwise).
"""

from __future__ import annotations

import gc
import os

#: Generation thresholds after tuning (CPython's defaults are 700, 10, 10).
THRESHOLDS = (50_000, 20, 100)

_tuned = False


def tune_gc() -> bool:
    """Freeze the loaded application's objects and raise the collector's thresholds; True if applied."""
    global _tuned
    if os.environ.get("TSUNAGU_GC_TUNING", "1").strip().lower() in {"0", "false", "no", "off"}:
        return False
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — import every app's views now, before freezing
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    _tuned = True
    return True


def gc_tuned() -> bool:
    """Whether :func:`tune_gc` ran in this process (benchmarks report it)."""
    return _tuned
