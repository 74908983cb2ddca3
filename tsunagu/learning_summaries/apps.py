from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningSummariesConfig(AppConfig):
    """Learning summaries per pupil × subject × day, kept from xAPI statements and test-result imports."""

    name = "tsunagu.learning_summaries"
    label = "learning_summaries"
    verbose_name = _("Learning summaries")

    def ready(self) -> None:
        """Keep the summaries with the LRS: the receivers run inside its storing transaction (C2) and
        inside the board's decision on a quarantined actor."""
        from tsunagu.learning.signals import statements_reattributed, statements_stored
        from tsunagu.learning_summaries.summaries import (
            statements_reattributed_receiver,
            statements_stored_receiver,
        )

        statements_stored.connect(statements_stored_receiver, dispatch_uid="learning_summaries.statements")
        # The board matching or rejecting a quarantined actor moves statements between pupils.
        statements_reattributed.connect(
            statements_reattributed_receiver, dispatch_uid="learning_summaries.reattributed"
        )
