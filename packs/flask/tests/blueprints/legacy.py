"""A blueprint with a prefix of its own, which Flask replaces when it is registered with one."""
from flask import Blueprint

bp = Blueprint("legacy", __name__, url_prefix="/legacy")


# ppa-context: http_handler route=/v0/ping   Flask replaces the own prefix with the registered one
@bp.get("/ping")
def ping():
    return "pong"


kept = Blueprint("kept", __name__, url_prefix="/kept")


# ppa-context: http_handler route=/kept/status   registered without a prefix: its own stays
@kept.get("/status")
def status():
    return "ok"


reports = Blueprint("reports", __name__, url_prefix="/reports")


# ppa-context: http_handler route=/internal/reports/daily admin=true   replaced by an internal prefix
@reports.get("/daily")
def daily():
    return "ok"
