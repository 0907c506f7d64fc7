"""The server: sub-applications mounted on a Starlette app."""
from starlette.applications import Starlette
from starlette.routing import Mount

from .flows import api
from .ops import ops, other

app = Starlette(routes=[Mount("/internal", app=ops), Mount("/other", app=other)])
app.mount("/api", api)
