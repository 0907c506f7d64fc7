"""Execution contexts of a FastAPI service: path operations, routers with prefixes, websocket
routes and BackgroundTasks targets."""
from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, WebSocket

from .jobs import reindex, reset_stale, send_receipt

app = FastAPI()
router = APIRouter(prefix="/jobs")
admin = APIRouter(prefix="/admin")


# ppa-context: http_handler route=/health method=GET framework=fastapi
@app.get("/health")
async def health():
    return {"ok": True}


# ppa-context: http_handler route=/jobs/reset method=POST hot=true
@router.post("/reset", status_code=202)
async def reset_jobs(db=Depends()):
    await reset_stale(db)


# ppa-context: http_handler route=/jobs method=GET
@router.api_route("", methods=["GET"])
async def list_jobs():
    return []


# ppa-context: http_handler route=/admin/purge admin=true
@admin.delete("/purge")
async def purge():
    return None


# ppa-context: http_handler method=PATCH admin=true   an admin-only dependency
@app.patch("/users/{user_id}")
async def update_user(user_id: int, user=Depends(require_admin)):
    return user


# ppa-context: library hot=false                      the dependency itself is not a route
def require_admin():
    return None


# ppa-context: http_handler route=/orders method=POST
@app.post("/orders")
async def create_order(background_tasks: BackgroundTasks):
    background_tasks.add_task(send_receipt, 42)
    return {"id": 42}


# ppa-context: streaming websocket=true route=/ws
@app.websocket("/ws")
async def feed(websocket: WebSocket):
    await websocket.accept()


# ppa-context: http_handler route=/metrics
async def metrics():
    return {}


# ppa-context: streaming websocket=true route=/live
async def live(websocket):
    await websocket.accept()


app.add_api_route("/metrics", metrics, methods=["GET"])
app.add_api_websocket_route("/live", live)


# ppa-context: http_handler method=POST
@app.post("/reindex")
async def trigger_reindex():
    tasks = BackgroundTasks()
    tasks.add_task(reindex)
    return tasks


v1 = APIRouter()


# ppa-context: http_handler route=/v1/items   the prefix of `include_router` joined
@v1.get("/items")
async def items():
    return []


app.include_router(v1, prefix="/v1")
