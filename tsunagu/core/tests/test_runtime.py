"""Process tuning at start-up (core.runtime): on unless turned off, and what it does."""

from __future__ import annotations

import gc

import pytest

from tsunagu.core import runtime


def test_the_collector_is_left_alone_when_tuning_is_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TSUNAGU_GC_TUNING", "0")
    before = gc.get_threshold()
    assert runtime.tune_gc() is False
    assert gc.get_threshold() == before


def test_tuning_freezes_the_loaded_application_and_raises_the_thresholds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TSUNAGU_GC_TUNING", raising=False)  # on by default
    before = gc.get_threshold()
    try:
        assert runtime.tune_gc() is True
        assert gc.get_threshold() == runtime.THRESHOLDS
        assert gc.get_freeze_count() > 10_000  # Django and our apps, loaded, now skipped by collections
        assert runtime.gc_tuned()
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
        runtime._tuned = False
