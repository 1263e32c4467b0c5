from django.contrib import admin

from payments.models import Rate


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin[Rate]):
    """Rates only: claims, runs and payment details change through their own pages, which
    keep the audit trail and who may see what."""

    list_display = ["activity", "unit", "amount", "effective_from"]
    list_filter = ["activity"]
