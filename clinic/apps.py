from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from clinic import audit, cache

        # Saving content invalidates cached pages on every app server (clinic/cache.py).
        cache.connect_signals()
        # Log-ins, failed log-ins and changes of rights go to the audit trail (clinic/audit.py).
        audit.connect_signals()
