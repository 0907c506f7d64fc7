# CHECKS.md §4 runtime.unnecessary_list_allocation, PY examples.


def has_admin(users) -> bool:
    # ppa: runtime.unnecessary_list_allocation
    if any([u.is_admin for u in users]):
        return True
    return False


def has_admin_lazy(users) -> bool:
    # ppa-ok: runtime.unnecessary_list_allocation
    if any(u.is_admin for u in users):
        return True
    return False


def joined(xs) -> str:
    # ppa-ok: runtime.unnecessary_list_allocation
    return ", ".join([str(x) for x in xs])  # not reported
