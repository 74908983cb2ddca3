"""Background work of the 通知表 (django_tasks): printing a whole school."""

from __future__ import annotations

from django_tasks import task

from tsunagu.report_cards import services


@task()
def report_card_batch_task(batch_id: int) -> None:
    """Run print job ``batch_id`` (``services.report_card_batch_run``); failures end up in the job's row."""
    services.report_card_batch_run(batch_id=batch_id)
