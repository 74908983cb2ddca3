"""Signals of the LRS, for apps that keep something derived from the statements up to date.

``statements_stored`` is sent inside the storing transaction, after the new rows are written and the
voided targets are marked, so a receiver's writes commit or roll back with the statements themselves
(a summary kept this way always equals a rebuild from the store). Receivers get:

- ``statements``: the new :class:`~tsunagu.learning.models.Statement` rows (``pupil_id``, ``data``
  as the stored JSON text, ``timestamp``, ``verb``, ``voided``; ids may be unset on SQLite);
- ``voided``: the statement ids (strings) that this batch voided.

``statements_reattributed`` is sent when statements already stored change pupil: the board matches a
quarantined actor to a pupil, or rejects an actor (``agent_match`` / ``agent_reject`` in
``services.py``). It is sent inside the decision's transaction, after the statements' ``pupil`` is
updated, once per pupil the statements leave, so a receiver can move what it derived from them from
one pupil to the other and commit or roll back with the decision. Receivers get:

- ``statement_ids``: the ids (strings) of the statements that moved, voided ones included (a receiver
  that keeps nothing of voided statements filters them);
- ``old_pupil_id``: the pupil (``students.Student`` pk) they belonged to, or None (quarantined);
- ``new_pupil_id``: the pupil they belong to now, or None (rejected).
"""

from django.dispatch import Signal

statements_stored = Signal()
statements_reattributed = Signal()
