"""A blueprint with a prefix of its own, which Flask replaces when it is registered with one."""
from flask import Blueprint

bp = Blueprint("legacy", __name__, url_prefix="/legacy")


# ppa-context-todo: http_handler route=/v0/ping   Flask replaces the own prefix with the registered one; not modelled
@bp.get("/ping")
def ping():
    return "pong"
