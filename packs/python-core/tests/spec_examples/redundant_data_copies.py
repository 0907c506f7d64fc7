# CHECKS.md §4 runtime.redundant_data_copies, PY examples.
import copy

from . import settings


def timeout() -> int:
    # ppa: runtime.redundant_data_copies
    cfg = copy.deepcopy(settings.CONFIG)
    return cfg["timeout"]


def drop_none(d: dict) -> dict:
    # ppa-ok: runtime.redundant_data_copies
    for k in list(d):
        if d[k] is None:
            del d[k]  # mutation needs the copy
    return d
