"""The ``learning_summaries_ingest`` benchmark runs on the test ward and reports its figures (never judges a
time), and leaves the receiver connected afterwards."""

from __future__ import annotations

import weakref
from typing import Any

import pytest

from tsunagu.bench.scenarios.learning_summaries_ingest import measure_receiver
from tsunagu.learning.signals import statements_stored
from tsunagu.learning_summaries.summaries import statements_stored_receiver

pytestmark = pytest.mark.django_db


def test_learning_summaries_ingest_reports_the_receivers_cost(ward: Any) -> None:
    report = measure_receiver(batches=2)
    assert report["batches_per_half"] == 2 and report["batch_size"] == 100
    assert report["receiver_ms_per_batch"] > 0
    assert report["statements_per_s_with_receiver"] > 0 and report["statements_per_s_without_receiver"] > 0
    found = [
        entry[1]() if isinstance(entry[1], weakref.ReferenceType) else entry[1]
        for entry in statements_stored.receivers
        if entry[0][0] == "learning_summaries.statements"
    ]
    assert found == [statements_stored_receiver]
