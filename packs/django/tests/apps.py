"""App configuration: `ready()` runs once at startup."""
from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"

    # ppa-context: init framework=django
    def ready(self):
        from . import signals  # noqa: F401

    # ppa-context: library                  near miss: another method of the config
    def label_for(self, model):
        return model
