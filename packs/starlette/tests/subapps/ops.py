"""Operator endpoints, mounted below /internal by `server.py`."""
from starlette.responses import JSONResponse
from starlette.routing import Route, Router


# ppa-context: http_handler route=/internal/drain admin=true   `Mount("/internal", app=ops)`
async def drain(request):
    return JSONResponse({})


# ppa-context: http_handler route=/status   near miss: the table is a variable, not the router's argument
async def status(request):
    return JSONResponse({})


ops = Router(routes=[Route("/drain", drain, methods=["POST"])])
status_routes = [Route("/status", status)]
other = Router(routes=status_routes)
