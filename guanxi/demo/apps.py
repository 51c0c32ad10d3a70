from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Builds the demo community (`guanxi demo`). Sits on top of every feature app."""

    name = "guanxi.demo"
    label = "demo"
