"""The same reports as reports.py, without the waste."""
import copy

from . import settings


def has_admins(users):
    return any(u.is_admin for u in users)


def active_count(users):
    return sum(1 for u in users if u.active)


def labels(users):
    # str.join materializes its input anyway: the list form is fine.
    return ", ".join([u.name for u in users])


def render_rows(rows):
    parts = [f"<tr><td>{r.name}</td><td>{r.total}</td></tr>" for r in rows]
    return "<table>" + "".join(parts) + "</table>"


def totals(rows):
    total = 0
    for r in rows:
        total += r.total
    return total


def tuned_config(overrides):
    # The copy is mutated: it is needed.
    cfg = copy.deepcopy(settings.CONFIG)
    cfg.update(overrides)
    return cfg


def drop_empty(d):
    for k in list(d):
        if d[k] is None:
            del d[k]
    return d
