from django.http import JsonResponse


# ppa-context: http_handler route=health/
def health(request):
    return JsonResponse({"ok": True})
