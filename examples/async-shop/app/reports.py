"""Report builders with wasteful allocation patterns."""
import copy

from . import settings


def has_admins(users):
    # Builds a whole list only to test it; no short-circuit.
    return any([u.is_admin for u in users])


def active_count(users):
    return len([u for u in users if u.active])


def render_rows(rows):
    html = ""
    for r in rows:
        html += f"<tr><td>{r.name}</td><td>{r.total}</td></tr>"
    return "<table>" + html + "</table>"


def download(resp):
    buf = b""
    for chunk in resp.iter_bytes():
        buf += chunk
    return buf


def request_timeout():
    cfg = copy.deepcopy(settings.CONFIG)
    return cfg["timeout"]
