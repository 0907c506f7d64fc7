"""Fixture: runtime.string_concat_in_loop (python-core pack).

Report builders, an HTTP body reader and a wire-protocol encoder.
"""
import socket
from dataclasses import dataclass

from markupsafe import Markup

LOG = ""


# --- reported ---------------------------------------------------------------------------------


def download(resp) -> bytes:
    # bytes accumulators are never capped: CPython has no in-place path for bytes.
    buf = b""
    for chunk in resp.iter_bytes():
        # ppa: runtime.string_concat_in_loop MEDIUM
        buf += chunk
    return buf


def render_rows(rows) -> str:
    html = ""
    for r in rows:
        # A plain local str: capped at LOW (CPython usually extends it in place).
        # ppa: runtime.string_concat_in_loop LOW
        html += f"<tr><td>{r.name}</td></tr>"
    return html


def render_rows_joined(rows) -> str:
    # ppa-ok: runtime.string_concat_in_loop
    html = "".join(f"<tr><td>{r.name}</td></tr>" for r in rows)
    return html


def read_socket(sock: socket.socket) -> bytes:
    payload = b""
    while True:
        data = sock.recv(4096)
        if not data:
            break
        # A while loop has no known size: MEDIUM.
        # ppa: runtime.string_concat_in_loop MEDIUM
        payload += data
    return payload


def encode_frame(fields: list[bytes]) -> bytes:
    frame = b"\x02"
    for i in range(8):
        # range(8): at most 100 iterations -> LOW.
        # ppa: runtime.string_concat_in_loop LOW
        frame += fields[i]
    for f in fields:
        # ppa: runtime.string_concat_in_loop MEDIUM
        frame += f + b"\x1f"
    for _ in range(500):
        # ppa: runtime.string_concat_in_loop MEDIUM
        frame += b"\x00"
    return frame


class CsvReport:
    def __init__(self, title: str):
        self.out = ""
        self.header = ""
        self.title = title

    def build(self, orders) -> str:
        for col in ("id", "customer", "total"):
            # An attribute target is not capped; a 3-item literal loop is small -> LOW.
            # ppa: runtime.string_concat_in_loop LOW
            self.header += col.ljust(12)
        for o in orders:
            # ppa: runtime.string_concat_in_loop MEDIUM
            self.out += f"{o.id},{o.customer},{o.total}\n"
        return self.header + "\n" + self.out


def group_lines(events) -> dict[str, str]:
    sections: dict[str, str] = {}
    for e in events:
        sections.setdefault(e.kind, "")
        # A subscript target is not capped.
        # ppa: runtime.string_concat_in_loop MEDIUM
        sections[e.kind] += e.message + "\n"
    return sections


def error_summary(errors) -> str:
    msg = "Errors:\n"
    for err in errors:
        # .format() on the right side.
        # ppa: runtime.string_concat_in_loop LOW
        msg += "  - {}\n".format(err)
    return msg


def http_headers(headers: dict[str, str], body) -> str:
    out: str
    out = "HTTP/1.1 200 OK\r\n"
    for k, v in headers.items():
        # %-formatting on the right side.
        # ppa: runtime.string_concat_in_loop LOW
        out += "%s: %s\r\n" % (k, v)
    return out


def table(rows) -> str:
    text = ""
    for row in rows:
        line = ""
        for cell in row:
            # Reset for each row: only the inner loop grows `line`; its size is unknown.
            # ppa: runtime.string_concat_in_loop LOW
            line += str(cell) + ","
        # `text` itself grows once per row.
        # ppa: runtime.string_concat_in_loop LOW
        text += line + "\n"
    return text


def append_log(lines) -> None:
    global LOG
    for line in lines:
        # A global is not a plain local: not capped.
        # ppa: runtime.string_concat_in_loop MEDIUM
        LOG += line + "\n"


def render_with_callback(items, on_flush) -> str:
    page = ""

    def flush():
        on_flush(len(page))

    for item in items:
        # Captured by a nested function (a cell variable): CPython's fast path does not apply.
        # ppa: runtime.string_concat_in_loop MEDIUM
        page += f"<li>{item}</li>"
        flush()
    return page


@dataclass
class Transcript:
    text: str = ""

    def add_all(self, turns) -> None:
        for t in turns:
            # Declared as a str field of the dataclass; the right side alone says nothing.
            # ppa: runtime.string_concat_in_loop MEDIUM
            self.text += t.speaker_line()


def banner(words) -> str:
    art = ""
    for w in words:
        # `*` with a string operand is a string.
        # ppa: runtime.string_concat_in_loop LOW
        art += "=" * len(w) + "\n"
    return art


# --- not reported -----------------------------------------------------------------------------


def totals(orders) -> int:
    total = 0
    for o in orders:
        # ppa-ok: runtime.string_concat_in_loop
        total += o.amount
    return total


def collect(batches) -> list:
    items = []
    for b in batches:
        # ppa-ok: runtime.string_concat_in_loop
        items += [b.id]
    return items


def list_with_string_items(words) -> list[str]:
    # A list target: `+=` extends it in place, even with a string on the right.
    chars: list[str] = []
    for w in words:
        # ppa-ok: runtime.string_concat_in_loop
        chars += "|"
        chars += w
    return chars


def read_into_bytearray(sock: socket.socket) -> bytes:
    # bytearray grows in place (amortized O(1)).
    buf = bytearray()
    while True:
        data = sock.recv(4096)
        if not data:
            break
        # ppa-ok: runtime.string_concat_in_loop
        buf += data
        # ppa-ok: runtime.string_concat_in_loop
        buf += b"\n"
    return bytes(buf)


class Encoder:
    def __init__(self):
        self._buffer = bytearray()

    def write_all(self, records) -> None:
        for r in records:
            # The attribute is a bytearray (see __init__), whatever the right side is.
            # ppa-ok: runtime.string_concat_in_loop
            self._buffer += b"\r\n"


def with_newlines(fh, lines) -> None:
    for line in lines:
        # The loop variable is rebound every iteration: nothing accumulates.
        # ppa-ok: runtime.string_concat_in_loop
        line += "\n"
        fh.write(line)


def per_row(rows) -> list[str]:
    out = []
    for row in rows:
        label = ""
        # Reset every iteration: bounded growth.
        # ppa-ok: runtime.string_concat_in_loop
        label += row.first
        label += " " + row.last
        out.append(label)
    return out


def wrap(words, width: int = 80) -> list[str]:
    lines = []
    current = ""
    for w in words:
        if len(current) + len(w) > width:
            lines.append(current)
            current = ""
        # Wrapped at `width`: the string never grows beyond one line.
        # ppa-ok: runtime.string_concat_in_loop
        current += w + " "
    return lines


def safe_html(items) -> Markup:
    # Declared as another type (markupsafe's Markup): not reported.
    html: Markup = Markup("")
    for item in items:
        # ppa-ok: runtime.string_concat_in_loop
        html += Markup("<li>%s</li>") % item
    return html


def mark_sale(cart) -> None:
    for item in cart:
        # A different string on every iteration (an attribute of the loop variable).
        # ppa-ok: runtime.string_concat_in_loop
        item.label += " (sale)"


def suffix_columns(frame, columns) -> None:
    for col in columns:
        # A different cell on every iteration (indexed by the loop variable); with pandas this
        # is even a vectorized column operation.
        # ppa-ok: runtime.string_concat_in_loop
        frame[col] += "_raw"


def greeting(name: str) -> str:
    text = "Hello, "
    # Not in a loop.
    # ppa-ok: runtime.string_concat_in_loop
    text += name
    return text


def counters(events) -> dict[str, int]:
    seen: dict[str, int] = {}
    for e in events:
        # ppa-ok: runtime.string_concat_in_loop
        seen[e.kind] += 1
    return seen


def read_all_plus(sock: socket.socket) -> bytes:
    buf = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            break
        # ppa: runtime.string_concat_in_loop MEDIUM   bytes, spelt `buf = buf + chunk`
        buf = buf + chunk
    return buf


def sums_plus(orders) -> int:
    total = 0
    for o in orders:
        # ppa-ok: runtime.string_concat_in_loop         a number, spelt `total = total + …`
        total = total + o.amount
    return total


def prefixed(names, prefix: str) -> list[str]:
    out = []
    for name in names:
        # ppa-ok: runtime.string_concat_in_loop         the loop variable: a new string per row
        name = name + prefix
        # ppa-ok: runtime.string_concat_in_loop         a different name on the left of the sum
        label = prefix + name
        out.append(label)
    return out


# --- known gaps -------------------------------------------------------------------------------


def render_plus(rows) -> str:
    html = ""
    for r in rows:
        # `s = s + x` is the same quadratic growth, spelt without `+=`: capped at LOW for a
        # plain local `str`, as `+=` is.
        # ppa: runtime.string_concat_in_loop LOW
        html = html + f"<p>{r}</p>"
    return html


class Page:
    # The attribute is initialized in a base class elsewhere and the right side is a call of
    # unknown type: nothing here says it is a string.
    def render(self, widgets) -> None:
        for w in widgets:
            # ppa-todo: runtime.string_concat_in_loop
            self.html += w.render()
