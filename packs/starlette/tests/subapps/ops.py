"""Operator endpoints, mounted below /internal by `server.py`."""
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, Router, WebSocketRoute


# ppa-context: http_handler route=/internal/drain admin=true   `Mount("/internal", app=ops)`
async def drain(request):
    return JSONResponse({})


# ppa-context: http_handler route=/status   near miss: the table is a variable, not the router's argument
async def status(request):
    return JSONResponse({})


# ppa-context: http_handler route=/internal/admin/users admin=true   `Mount("/admin", routes=[…])` inside `ops`
async def users(request):
    return JSONResponse([])


# ppa-context: streaming websocket=true route=/internal/admin/tail   a websocket route in the same mount
async def tail(websocket):
    await websocket.accept()


ops = Router(
    routes=[
        Route("/drain", drain, methods=["POST"]),
        Mount("/admin", routes=[Route("/users", users), WebSocketRoute("/tail", tail)]),
    ]
)
status_routes = [Route("/status", status)]
other = Router(routes=status_routes)
