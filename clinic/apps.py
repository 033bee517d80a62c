from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from clinic import cache

        # Saving content invalidates cached pages on every app server (clinic/cache.py).
        cache.connect_signals()
