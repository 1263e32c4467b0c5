from django.contrib import admin

from projects.models import Invitation, Membership, Project


class MembershipInline(admin.TabularInline[Membership, Project]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ["name", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ["email", "project", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["project"]
    search_fields = ["email", "full_name"]
    exclude = ["token_hash"]
