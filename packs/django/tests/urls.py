"""URL patterns: the views they name serve requests."""
from django.contrib import admin
from django.urls import include, path, re_path
from rest_framework import routers

from . import views
from .views import JobDetail

router = routers.DefaultRouter()
router.register(r"jobs", views.JobViewSet)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("jobs/export/", views.export_jobs),
    path("jobs/<int:pk>/", JobDetail.as_view()),
    re_path(r"^reports/(?P<year>\d{4})/$", views.yearly_report, name="yearly"),
    path("internal/reindex/", views.reindex),
    path("api/", include(router.urls)),
]
