from django.contrib import admin

from accounts.models import AuditEvent, Organisation, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["full_name", "email", "org_role", "is_active", "last_login"]
    list_filter = ["org_role", "is_active"]
    search_fields = ["full_name", "email"]
    fields = ["full_name", "email", "org_role", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    def has_add_permission(self, request: object) -> bool:
        return False  # there is exactly one, made on first use

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the audit trail is evidence and must not be edited."""

    list_display = ["created_at", "actor", "action", "summary", "project"]
    list_filter = ["action"]
    search_fields = ["summary", "actor__full_name"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
