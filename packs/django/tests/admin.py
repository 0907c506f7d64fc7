"""Admin views: request handlers for staff."""
from django.contrib import admin


class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "state"]

    # ppa-context: http_handler admin=true framework=django
    def get_queryset(self, request):
        return super().get_queryset(request)

    # ppa-context: http_handler admin=true
    def requeue(self, request, queryset):
        for job in queryset:
            job.save()
