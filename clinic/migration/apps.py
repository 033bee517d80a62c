from django.apps import AppConfig


class MigrationConfig(AppConfig):
    """Moving a clinic in: importing a Blogger or WordPress site, and its old addresses."""

    name = "clinic.migration"
    label = "migration"
    verbose_name = "Moving in from Blogger or WordPress"

    def ready(self):
        from clinic.migration.admin import check_citations_notice
        from clinic.pages import notices

        notices.register(check_citations_notice)
