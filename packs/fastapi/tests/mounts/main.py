"""The application: it mounts the routers of the other modules."""
from fastapi import APIRouter, FastAPI

from . import admin
from .orders import router as orders_router
from .reports import router as reports_router

app = FastAPI()
v2 = APIRouter()

v2.include_router(orders_router, prefix="/orders")
app.include_router(v2, prefix="/v2")
app.include_router(admin.router, prefix="/admin", dependencies=[])
app.include_router(reports_router, prefix="/reports")
app.include_router(reports_router, prefix="/legacy/reports")
