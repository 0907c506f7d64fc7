# CHECKS.md §4 runtime.string_concat_in_loop, PY examples.


def download(resp) -> bytes:
    buf = b""
    for chunk in resp.iter_bytes():
        # ppa: runtime.string_concat_in_loop MEDIUM
        buf += chunk
    return buf


def table(rows) -> str:
    html = ""
    for r in rows:
        # ppa: runtime.string_concat_in_loop LOW
        html += f"<tr><td>{r.name}</td></tr>"
    return html


def table_joined(rows) -> str:
    # ppa-ok: runtime.string_concat_in_loop
    html = "".join(f"<tr><td>{r.name}</td></tr>" for r in rows)
    return html
