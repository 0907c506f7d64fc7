"""Report exports (see ADR-0007 for why the file read is still synchronous)."""

from pathlib import Path

EXPORT_DIR = Path("/var/exports")


async def export_report(name: str) -> bytes:
    # Blocking file read inside a coroutine, accepted for now by ADR-0007.
    return (EXPORT_DIR / name).read_bytes()
