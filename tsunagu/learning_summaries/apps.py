from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningSummariesConfig(AppConfig):
    """Learning summaries per pupil × subject × day, kept from xAPI statements and test-result imports."""

    name = "tsunagu.learning_summaries"
    label = "learning_summaries"
    verbose_name = _("Learning summaries")

    def ready(self) -> None:
        """Keep the summaries with the LRS: the receiver runs inside its storing transaction (C2)."""
        from django.db.models.signals import post_save, pre_save

        from tsunagu.learning.models import XapiAgent
        from tsunagu.learning.signals import statements_stored
        from tsunagu.learning_summaries.summaries import (
            agent_post_save,
            agent_pre_save,
            statements_stored_receiver,
        )

        statements_stored.connect(statements_stored_receiver, dispatch_uid="learning_summaries.statements")
        # The board matching or rejecting a quarantined actor moves statements between pupils.
        pre_save.connect(agent_pre_save, sender=XapiAgent, dispatch_uid="learning_summaries.agent_pre")
        post_save.connect(agent_post_save, sender=XapiAgent, dispatch_uid="learning_summaries.agent_post")
