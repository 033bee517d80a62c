"""The audit trail, read-only, for administrators."""

from django.contrib import admin

from clinic.accounts.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, for administrators only, and read-only for them too."""

    list_display = ["at", "kind", "subject", "actor", "ip_address", "detail"]
    list_filter = ["kind"]
    search_fields = ["subject", "detail", "ip_address", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
