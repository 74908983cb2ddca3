from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Base models, the access-policy engine, audit and shared UI helpers."""

    name = "tsunagu.core"
    label = "core"
    verbose_name = "Tsunagu core"

    def ready(self) -> None:
        from tsunagu.core import (
            audit,
            lookups,  # noqa: F401 - registers the ``__in_ids`` lookup
            policy,
        )

        policy.autodiscover()
        audit.connect_signals()
