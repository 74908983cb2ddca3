from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark scenarios, run by ``make bench`` and ``manage.py bench``."""

    name = "tsunagu.bench"
    label = "bench"
    verbose_name = "Benchmarks"
