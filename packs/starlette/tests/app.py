"""Execution contexts of a Starlette app: routes, endpoints, streams, websockets, startup."""
import contextlib

from aiohttp import web
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.endpoints import HTTPEndpoint, WebSocketEndpoint
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket

from .services import reset_stale


# ppa-context: http_handler route=/jobs method=GET framework=starlette hot=true
async def list_jobs(request):
    rows = await load_jobs()
    return JSONResponse(rows)


# ppa-context: library hot=true            one call from list_jobs
async def load_jobs():
    return await query_rows()


# ppa-context: library hot=true            two calls from list_jobs
async def query_rows():
    return []


# ppa-context: http_handler route=/jobs/reset method=POST
async def reset_jobs(request):
    await reset_stale(request.app.state.db)
    return JSONResponse({"ok": True})


# ppa-context: streaming streaming=true route=/events
async def job_events(request):
    # ppa-context: library hot=true        a generator defined in the stream runs with it
    async def gen():
        yield "tick"

    return EventSourceResponse(gen())


# ppa-context: streaming streaming=true
async def export_csv(request):
    return StreamingResponse(rows_as_csv())


# ppa-context: library hot=true
def rows_as_csv():
    yield "id,state\n"


# ppa-context: streaming websocket=true route=/ws
async def feed(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("hello")


class JobEndpoint(HTTPEndpoint):
    # ppa-context: http_handler method=GET route=/jobs/{id}
    async def get(self, request):
        return JSONResponse({})

    # ppa-context: library hot=false        not an HTTP method: nothing routes to it
    def describe(self):
        return "job"


class ArchivedJobEndpoint(JobEndpoint):
    # ppa-context: http_handler framework=starlette   derived from a project endpoint
    async def delete(self, request):
        return JSONResponse({})


class LoudTicker(Ticker):
    # ppa-context: streaming websocket=true   derived from a project websocket endpoint
    async def on_connect(self, websocket):
        await websocket.accept()


class Ticker(WebSocketEndpoint):
    # ppa-context: streaming websocket=true
    async def on_receive(self, websocket, data):
        await websocket.send_text(data)


# ppa-context: init framework=starlette   a startup hook whose name says nothing
async def open_pools():
    pass


# ppa-context: init                        `lifespan` is init by name
@contextlib.asynccontextmanager
async def lifespan(app):
    yield


# ppa-context: init framework=starlette
async def warm_cache():
    pass


# ppa-context: library hot=false           near miss: a request-shaped function no route names
async def unused(request):
    return JSONResponse({})


# ppa-context: http_handler route=/legacy method=GET framework=starlette   `app.add_route(...)`
async def legacy(request):
    return JSONResponse({})


# ppa-context: http_handler route=/legacy/export
async def legacy_export(request):
    return JSONResponse({})


# ppa-context: streaming websocket=true route=/legacy/ws   `add_websocket_route(path, route=…)`
async def legacy_feed(websocket):
    await websocket.accept()


class LegacyJob(HTTPEndpoint):
    # ppa-context: http_handler route=/legacy/jobs/{id}      an endpoint class added by method
    async def delete(self, request):
        return JSONResponse({})


# ppa-context: library hot=false           near miss: aiohttp's `add_route(method, path, handler)`
async def aio_status(request):
    return JSONResponse({})


# ppa-context: http_handler route=/admin/stats admin=true   a route of `Mount("/admin", routes=[…])`
async def admin_stats(request):
    return JSONResponse({})


routes = [
    Mount("/admin", routes=[Route("/stats", admin_stats)]),
    Route("/jobs", list_jobs, methods=["GET"]),
    Route("/jobs/reset", reset_jobs, methods=["POST"]),
    Route("/jobs/{id}", endpoint=JobEndpoint),
    Route("/events", job_events),
    Route("/export", export_csv),
    WebSocketRoute("/ws", feed),
    WebSocketRoute("/tick", Ticker),
]

app = Starlette(routes=routes, on_startup=[open_pools], lifespan=lifespan)
app.add_event_handler("startup", warm_cache)
app.add_route("/legacy", legacy, methods=["GET"])
app.router.add_route("/legacy/export", legacy_export)
app.add_websocket_route("/legacy/ws", route=legacy_feed)
app.add_route("/legacy/jobs/{id}", LegacyJob)
aio_router = web.Application().router
aio_router.add_route("GET", "/aio/status", aio_status)


# ppa-context: init framework=starlette     `@app.on_event("startup")` (deprecated, still common)
@app.on_event("startup")
async def connect_broker():
    pass


# ppa-context: library                       near miss: a shutdown hook is not startup code
@app.on_event("shutdown")
async def close_broker():
    pass
