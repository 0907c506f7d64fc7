"""Report routes, mounted at two prefixes."""
from fastapi import APIRouter

router = APIRouter()


# ppa-context: http_handler route=/summary   near miss: mounted at two prefixes, so not joined
@router.get("/summary")
async def summary():
    return {}
