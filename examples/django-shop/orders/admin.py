from django.contrib import admin

from .models import Order


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "total")

    @admin.action(description="Cancel selected orders")
    def cancel(self, request, queryset):
        for order in queryset.filter(status="new"):
            order.status = "cancelled"
            order.save()
