from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import services
from accounts.models import AuditEvent, Organisation, TwoFactorDevice, User


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


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin[TwoFactorDevice]):
    """Only to remove: for someone who has lost both their phone and their recovery codes.

    The secret is never shown. Removing turns two-step sign-in off for that person, with
    their recovery codes, and the audit log records who did it.
    """

    list_display = ["user", "created_at"]
    search_fields = ["user__full_name", "user__email"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TwoFactorDevice) -> None:
        assert isinstance(request.user, User)
        services.two_factor_turn_off(user=obj.user, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TwoFactorDevice]) -> None:
        for device in queryset.select_related("user"):
            self.delete_model(request, device)
