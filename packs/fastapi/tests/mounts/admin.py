"""Admin routes. Nothing in this module says admin: the prefix comes from where it is mounted."""
from fastapi import APIRouter

router = APIRouter(tags=["users"])


# ppa-context: http_handler route=/admin/users method=GET admin=true   mounted at /admin in main.py
@router.get("/users")
async def list_users():
    return []
