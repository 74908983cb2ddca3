"""Signals of the LRS, for apps that keep something derived from the statements up to date.

``statements_stored`` is sent inside the storing transaction, after the new rows are written and the
voided targets are marked, so a receiver's writes commit or roll back with the statements themselves
(a summary kept this way always equals a rebuild from the store). Receivers get:

- ``statements``: the new :class:`~tsunagu.learning.models.Statement` rows (``pupil_id``, ``data``
  as the stored JSON text, ``timestamp``, ``verb``, ``voided``; ids may be unset on SQLite);
- ``voided``: the statement ids (strings) that this batch voided.
"""

from django.dispatch import Signal

statements_stored = Signal()
