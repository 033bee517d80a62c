from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    name = "conditions"
    verbose_name = "Conditions"

    def ready(self):
        from clinic.pages import registry
        from conditions.models import Condition

        registry.register(Condition)
