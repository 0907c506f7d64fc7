"""A blueprint without a prefix of its own: `wsgi.py` registers it under `/internal`."""
from flask import Blueprint

bp = Blueprint("staff", __name__)


# ppa-context: http_handler route=/internal/staff/audit method=GET admin=true   prefix from register_blueprint
@bp.route("/staff/audit")
def audit_log():
    return []


# ppa-context: http_handler route=/internal/staff/export   `add_url_rule` on the blueprint
def export_audit():
    return []


bp.add_url_rule("/staff/export", view_func=export_audit)
