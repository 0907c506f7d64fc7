from fastapi import APIRouter

from .db import SessionLocal
from .services import FlagService, Formatter, catalog, get_stats

router = APIRouter()


@router.get("/flags/{name}")
def show_flag(name: str):
    with SessionLocal() as s:
        flags = FlagService(s)
        return {"on": flags.enabled(name)}


@router.get("/codes")
def show_codes():
    return {"codes": catalog.codes}


@router.get("/stats")
def show_stats():
    fmt = Formatter()
    return {"total": fmt.format(str(get_stats().totals()))}


def nightly_flags():
    # Not a request handler: the object lives as long as the job.
    with SessionLocal() as s:
        return FlagService(s).enabled("nightly")
