"""Fixture: runtime.redundant_data_copies (python-core pack).

A settings-driven order service, its inventory jobs and an event bus.
"""
import copy
import threading
from copy import deepcopy

from fastapi import APIRouter

from shop import settings
from shop.db import connect

router = APIRouter()

DEFAULTS = {"db": {"host": "localhost", "port": 5432}, "timeout": 30}


# --- reported ---------------------------------------------------------------------------------


@router.get("/config/timeout")
def config_timeout():
    # A deep copy on the request path, only read -> MEDIUM.
    # ppa: runtime.redundant_data_copies MEDIUM
    cfg = copy.deepcopy(settings.CONFIG)
    return cfg["timeout"]


def retry_limit() -> int:
    # The same copy off the request path -> LOW.
    # ppa: runtime.redundant_data_copies LOW
    cfg = deepcopy(DEFAULTS)
    return cfg["timeout"] * 3


def order_total(line_items: list[dict]) -> float:
    # ppa: runtime.redundant_data_copies LOW
    items = list(line_items)
    total = 0.0
    for item in items:
        total += item["price"] * item["qty"]
    return total if len(items) else 0.0


def header_value(defaults: dict[str, str], name: str) -> str:
    # ppa: runtime.redundant_data_copies
    merged = dict(defaults)
    return merged.get(name, "")


def request_id(request_headers) -> str:
    # y.copy() needs no type: whatever it copies is only read through .get().
    # ppa: runtime.redundant_data_copies
    headers = request_headers.copy()
    return headers.get("X-Request-Id", "-")


def first_and_last(skus: list[str]) -> str:
    # ppa: runtime.redundant_data_copies
    ordered = skus[:]
    return f"{ordered[0]}..{ordered[-1]} ({len(ordered)})"


def is_blocked(blocked: set[int], user_id: int) -> bool:
    # ppa: runtime.redundant_data_copies
    snapshot = set(blocked)
    return user_id in snapshot


def retries(options: dict) -> int:
    # ppa: runtime.redundant_data_copies
    opts = copy.copy(options)
    return opts["retries"] if "retries" in opts else 3


def price_rows(batches: list[list[dict]], template: dict) -> list[float]:
    prices = []
    for batch in batches:
        # A copy made on every iteration -> MEDIUM.
        # ppa: runtime.redundant_data_copies MEDIUM
        base = copy.deepcopy(template)
        prices.append(base["price"] * len(batch))
    return prices


def active_codes(codes: list[str]) -> list[str]:
    # A private local, built here and returned: its copy is plainly redundant.
    active = [c.strip() for c in codes if c]
    # ppa: runtime.redundant_data_copies
    result = list(active)
    return result


def stock_value(stock: dict[str, int], prices: dict[str, float]) -> float:
    total = 0.0
    # The body only reads `stock`.
    # ppa: runtime.redundant_data_copies LOW
    for sku in list(stock):
        total += stock[sku] * prices.get(sku, 0.0)
    return total


def log_params(params, log) -> None:
    # ppa: runtime.redundant_data_copies
    for key, value in list(params.items()):
        log.info("%s=%s", key, value)


def print_lines(lines: list[str]) -> None:
    # ppa: runtime.redundant_data_copies
    for line in lines[:]:
        print(line)


def temp_jobs(jobs) -> int:
    n = 0
    # ppa: runtime.redundant_data_copies
    for job in jobs.copy():
        if job.key.startswith("tmp-"):
            n += 1
    return n


def nightly(warehouses: dict[str, dict[str, int]]) -> int:
    low = 0
    for name, stock in warehouses.items():
        # In an enclosing loop -> MEDIUM.
        # ppa: runtime.redundant_data_copies MEDIUM
        for sku in list(stock.keys()):
            if stock[sku] < 5:
                low += 1
    return low


# --- not reported -----------------------------------------------------------------------------


def drop_empty(d: dict[str, str]) -> None:
    # The loop deletes from d: the copy is required.
    # ppa-ok: runtime.redundant_data_copies
    for k in list(d):
        if d[k] is None:
            del d[k]


def sorted_items(line_items: list[dict]) -> list[dict]:
    # ppa-ok: runtime.redundant_data_copies
    items = list(line_items)
    items.sort(key=lambda i: i["price"])
    return items


def with_debug(base: dict[str, bool]) -> dict[str, bool]:
    # ppa-ok: runtime.redundant_data_copies
    cfg = dict(base)
    cfg["debug"] = True
    return cfg


def payload_for(data: dict, render) -> str:
    # Handed to an unknown function, which may change it.
    # ppa-ok: runtime.redundant_data_copies
    payload = dict(data)
    return render(payload)


def changed_keys(config: dict[str, int], overrides: dict[str, int]) -> set[str]:
    # The source changes while the copy is alive: the copy keeps the old values on purpose.
    # ppa-ok: runtime.redundant_data_copies
    before = dict(config)
    config.update(overrides)
    return {k for k in config if config[k] != before.get(k)}


def grow_while_reading(ids: list[int]) -> int:
    # ppa-ok: runtime.redundant_data_copies
    original = list(ids)
    n = 0
    for i in range(3):
        n += original[i]
        ids.append(i)
    return n


def normalized(tags: list[str]) -> list[str]:
    # A returned copy of a parameter is a defensive copy: the caller may change the result.
    # ppa-ok: runtime.redundant_data_copies
    result = list(tags)
    return result


def names_from(iterable) -> str:
    # A conversion (iterator or generator to list), not a copy: the type is unknown.
    # ppa-ok: runtime.redundant_data_copies
    names = list(iterable)
    return ", ".join(names)


def unique_tags(tags: list[str]) -> int:
    # set() of a list is deduplication, not a copy.
    # ppa-ok: runtime.redundant_data_copies
    unique = set(tags)
    return len(unique)


def connect_with(host: str):
    # The deep copy's parts are changed through an alias: the copy protects DEFAULTS.
    # ppa-ok: runtime.redundant_data_copies
    cfg = copy.deepcopy(DEFAULTS)
    db = cfg["db"]
    db["host"] = host
    return connect(**db)


def anonymized(rows: list[dict]) -> int:
    # The elements of the deep copy are changed in the loop.
    # ppa-ok: runtime.redundant_data_copies
    clean = copy.deepcopy(rows)
    n = 0
    for r in clean:
        r["email"] = None
        n += 1
    return n


def by_position(order: list[str], key: str) -> list[str]:
    # Used inside a lambda: where and when it runs is not known here.
    # ppa-ok: runtime.redundant_data_copies
    snapshot = list(order)
    return sorted([key], key=lambda k: snapshot.index(k))


def unused(rows: list[dict]) -> None:
    # Never used: an unused variable, left to other linters.
    # ppa-ok: runtime.redundant_data_copies
    backup = list(rows)


def in_place_after(d: dict[str, int]) -> None:
    # ppa-ok: runtime.redundant_data_copies
    for k, v in list(d.items()):
        d[k] = v + 1


async def ping_all(sessions: dict[str, object]) -> None:
    # Other coroutines run at each await and may change the dict.
    # ppa-ok: runtime.redundant_data_copies
    for sid in list(sessions):
        await sessions[sid].ping()


def iter_keys(registry: dict[str, object]):
    # A generator: the consumer may change the dict between items.
    # ppa-ok: runtime.redundant_data_copies
    for key in list(registry):
        yield key


def sweep(d: dict[str, int], purge) -> None:
    # The body hands d to an unknown function.
    # ppa-ok: runtime.redundant_data_copies
    for k in list(d):
        purge(d, k)


def pairs(rows) -> list:
    # list() of a generator or a query result is a conversion that may be the point.
    # ppa-ok: runtime.redundant_data_copies
    for r in list(rows):
        print(r)
    return []


def pkcs7_bundle(certs: list[bytes]) -> bytes:
    # Rebinding the name to its own copy is a conversion / defensive-copy idiom.
    # ppa-ok: runtime.redundant_data_copies
    certs = list(certs)
    return b"".join(certs) if len(certs) else b""


def copy_is_independent(state: dict) -> bool:
    # An identity test asks about the copy itself: not a plain read.
    # ppa-ok: runtime.redundant_data_copies
    clone = state.copy()
    return clone is not state


def close_all(conns: list) -> None:
    # close() may remove the connection from `conns` (pools, asyncore maps): the snapshot is
    # needed.
    # ppa-ok: runtime.redundant_data_copies
    for conn in list(conns):
        conn.close()


def cancel_pending(pending: list) -> int:
    # ppa-ok: runtime.redundant_data_copies
    tasks = list(pending)
    for t in tasks:
        t.cancel()
    return len(tasks)


SOCKET_MAP: dict = {}


def poll(socket_map: dict = None) -> int:
    if socket_map is None:
        socket_map = SOCKET_MAP
    readable = 0
    # The parameter may be the module-level map: shared state.
    # ppa-ok: runtime.redundant_data_copies
    for fd, obj in list(socket_map.items()):
        readable += 1 if obj else 0
    return readable


class EventBus:
    def __init__(self):
        self._lock = threading.Lock()
        self._handlers: list = []
        self._state = {"events": 0}

    def emit(self, event) -> None:
        # Callbacks may unsubscribe themselves while being called.
        # ppa-ok: runtime.redundant_data_copies
        for handler in list(self._handlers):
            handler(event)

    def emit_locked(self, event) -> None:
        with self._lock:
            # A snapshot taken under the lock, iterated outside it.
            # ppa-ok: runtime.redundant_data_copies
            handlers = list(self._handlers)
        for handler in handlers:
            handler(event)

    def state(self) -> dict:
        # A returned copy of self state: a defensive copy.
        # ppa-ok: runtime.redundant_data_copies
        snapshot = self._state.copy()
        return snapshot

    def count_handlers(self) -> int:
        # A shallow snapshot of shared state that is iterated (threads, callbacks).
        # ppa-ok: runtime.redundant_data_copies
        handlers = list(self._handlers)
        n = 0
        for h in handlers:
            n += 1 if h else 0
        return n


# Module level: there is no function to follow the copy through.
# ppa-ok: runtime.redundant_data_copies
SNAPSHOT = dict(DEFAULTS)


# --- known gaps -------------------------------------------------------------------------------


def first_sku(skus: list[str]) -> str:
    # A star-unpacking copy of a list, only read.
    # ppa: runtime.redundant_data_copies LOW
    ordered = [*skus]
    return ordered[0]


def unpacked(skus: list[str], tags: set[str], rows) -> list[str]:
    # ppa-ok: runtime.redundant_data_copies         the copy is changed
    ordered = [*skus]
    ordered.sort()
    # ppa-ok: runtime.redundant_data_copies         a set's items as a list: a conversion
    listed = [*tags]
    # ppa-ok: runtime.redundant_data_copies         more than one element: a new list
    merged = [*skus, "extra"]
    # ppa-ok: runtime.redundant_data_copies         an untyped source may be any iterable
    fetched = [*rows]
    return ordered + listed + merged + fetched


def sum_untyped(stock) -> int:
    # The parameter's type comes from its callers (needs the project model), so list(stock)
    # may be a conversion.
    total = 0
    # ppa-todo: runtime.redundant_data_copies
    for sku in list(stock):
        total += 1
    return total
