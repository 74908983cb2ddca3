from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The fictional demo ward generator and its named cast."""

    name = "tsunagu.demo"
    label = "demo"
    verbose_name = "Demo ward"
