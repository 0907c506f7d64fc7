"""Project base classes that views of other modules derive from."""
from django.views import View


class TenantView(View):
    """Base of the tenant-scoped views."""

    # ppa-context: library hot=false           a helper of the base, not an HTTP method
    def tenant(self, request):
        return request.tenant


class Cache:
    """A plain class with a `get`: no view."""

    def clear(self):
        return None
