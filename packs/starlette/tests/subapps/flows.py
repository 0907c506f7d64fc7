"""A Starlette sub-application; `server.py` mounts it at /api."""
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


# ppa-context: http_handler route=/api/flows method=GET admin=false   `app.mount("/api", api)`
async def list_flows(request):
    return JSONResponse([])


api = Starlette(routes=[Route("/flows", list_flows, methods=["GET"])])
