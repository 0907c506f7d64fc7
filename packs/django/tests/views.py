"""Views of the fixture project."""
from django.http import JsonResponse, StreamingHttpResponse
from django.views import View
from rest_framework import viewsets
from rest_framework.decorators import action, api_view

from .mixins import Cache, TenantView
from .reports import build_yearly


# ppa-context: streaming streaming=true route=jobs/export/ framework=django
def export_jobs(request):
    # ppa-context: library hot=true           the iterator streams with its view
    def rows():
        yield "id\n"

    return StreamingHttpResponse(rows(), content_type="text/csv")


# ppa-context: http_handler route=^reports/(?P<year>\d{4})/$ hot=true
def yearly_report(request, year):
    return JsonResponse(build_yearly(year))


# ppa-context: http_handler route=internal/reindex/ admin=true
def reindex(request):
    return JsonResponse({})


# ppa-context: http_handler method=POST
@api_view(["POST"])
def create_job(request):
    return JsonResponse({})


# ppa-context: library hot=false              near miss: a view no URL pattern names
def orphan(request):
    return JsonResponse({})


class JobDetail(View):
    # ppa-context: http_handler route=jobs/<int:pk>/
    def get(self, request, pk):
        return JsonResponse({"id": pk})

    # ppa-context: library hot=false          a helper method, not an HTTP method
    def serialize(self, job):
        return job


class JobViewSet(viewsets.ModelViewSet):
    # ppa-context: http_handler route=jobs
    def list(self, request):
        return JsonResponse([])

    # ppa-context: http_handler                `@action` adds a route
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return JsonResponse({})

    # ppa-context: library
    def get_serializer_context(self):
        return {}


class BaseJobView(View):
    pass


class ArchivedJobs(BaseJobView):
    # ppa-context: http_handler                a view through a project base class
    def get(self, request):
        return JsonResponse([])


class TenantJobs(TenantView):
    # ppa-context: http_handler                through a base view of another module
    def post(self, request):
        return JsonResponse({})


class ArchivedTenantJobs(TenantJobs):
    # ppa-context: http_handler                two project base classes down
    def delete(self, request):
        return JsonResponse({})

    # ppa-context: library hot=false          near miss: not an HTTP method
    def archive(self, job):
        return job


class JobCache(Cache):
    # ppa-context: library hot=false          near miss: `get` of a class that is no view
    def get(self, key):
        return None
