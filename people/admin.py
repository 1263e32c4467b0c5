from django.contrib import admin

from people.models import AccessNeedType


@admin.register(AccessNeedType)
class AccessNeedTypeAdmin(admin.ModelAdmin[AccessNeedType]):
    """The catalogue of access requirements people choose from."""

    list_display = ["name", "category", "detail_kind", "is_active", "position"]
    list_filter = ["category", "is_active"]
    list_editable = ["is_active", "position"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        # People's records point at entries; switch an entry off instead of deleting it.
        return False
