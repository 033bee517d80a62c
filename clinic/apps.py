from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from clinic.accounts import audit
        from clinic.ops import cache

        # Saving content invalidates cached pages on every app server (clinic/ops/cache.py).
        cache.connect_signals()
        # Log-ins, failed log-ins and changes of rights go to the audit trail (accounts/audit.py).
        audit.connect_signals()
