"""Fixture: runtime.unnecessary_list_allocation (python-core pack).

A user directory service and its reporting jobs.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from fastapi import APIRouter

router = APIRouter()


@dataclass
class User:
    name: str
    email: str
    is_admin: bool = False
    logins: int = 0
    tags: list[str] = field(default_factory=list)


@dataclass
class Order:
    id: int
    customer: str
    total: Decimal
    paid: bool


# --- reported ---------------------------------------------------------------------------------


def has_admin(users: list[User]) -> bool:
    # ppa: runtime.unnecessary_list_allocation LOW
    if any([u.is_admin for u in users]):
        return True
    return False


def longest_name(users: list[User]) -> int:
    # Keyword arguments (key=, default=) are fine: the comprehension is still the only input.
    # ppa: runtime.unnecessary_list_allocation LOW
    return max([len(u.name) for u in users], default=0)


def cheapest(orders: list[Order]) -> Decimal:
    # ppa: runtime.unnecessary_list_allocation LOW
    return min([o.total for o in orders if o.paid])


def all_tags(users: list[User]) -> set[str]:
    # ppa: runtime.unnecessary_list_allocation LOW
    return set([t.lower() for u in users for t in u.tags])


def frozen_domains(users: list[User]) -> frozenset[str]:
    # ppa: runtime.unnecessary_list_allocation
    return frozenset([u.email.split("@")[1] for u in users])


def by_email(users: list[User]) -> dict[str, User]:
    # ppa: runtime.unnecessary_list_allocation
    return dict([(u.email, u) for u in users])


def names(users: list[User]) -> tuple[str, ...]:
    # ppa: runtime.unnecessary_list_allocation
    return tuple([u.name for u in users])


def admin_names(users: list[User]) -> list[str]:
    # ppa: runtime.unnecessary_list_allocation
    return list([u.name for u in users if u.is_admin])


@router.get("/users/stats")
async def user_stats(users: list[User]):
    # A request handler: the allocation is on the request path (hot) -> MEDIUM.
    # ppa: runtime.unnecessary_list_allocation MEDIUM
    total_logins = sum([u.logins for u in users])
    # ppa: runtime.unnecessary_list_allocation MEDIUM
    admins = len([u for u in users if u.is_admin])
    return {"logins": total_logins, "admins": admins}


def unpaid_customers(orders_by_customer: dict[str, list[Order]]) -> list[str]:
    out = []
    for customer, orders in orders_by_customer.items():
        # Inside a loop body -> MEDIUM.
        # ppa: runtime.unnecessary_list_allocation MEDIUM
        if not all([o.paid for o in orders]):
            out.append(customer)
    return out


def order_counts(orders_by_customer: dict[str, list[Order]]) -> dict[str, int]:
    # In the element of a comprehension: evaluated once per customer -> MEDIUM.
    return {
        # ppa: runtime.unnecessary_list_allocation MEDIUM
        c: len([o for o in orders if o.paid])
        for c, orders in orders_by_customer.items()
    }


# ppa: runtime.unnecessary_list_allocation LOW
SEED_ADMINS = sum([1 for n in ("root", "admin", "ops") if n != "ops"])


# --- not reported -----------------------------------------------------------------------------


def has_admin_lazy(users: list[User]) -> bool:
    # ppa-ok: runtime.unnecessary_list_allocation
    if any(u.is_admin for u in users):
        return True
    return False


def format_ids(xs: list[int]) -> str:
    # str.join materializes a sequence anyway; the list form is as fast or faster.
    # ppa-ok: runtime.unnecessary_list_allocation
    return ", ".join([str(x) for x in xs])


def newest_first(orders: list[Order]) -> list[Order]:
    # sorted() builds a list anyway.
    # ppa-ok: runtime.unnecessary_list_allocation
    return sorted([o for o in orders if o.paid], key=lambda o: o.id, reverse=True)


def revenue(orders: list[Order]) -> Decimal:
    # A second positional argument (the start value): not the only-argument shape.
    # ppa-ok: runtime.unnecessary_list_allocation
    return sum([o.total for o in orders], Decimal("0"))


def flags(a: bool, b: bool) -> bool:
    # A list display, not a comprehension.
    # ppa-ok: runtime.unnecessary_list_allocation
    return any([a, b])


def shadowed(users: list[User]) -> int:
    def len(xs):  # noqa: A001 - a local helper, not the builtin
        return 0

    # ppa-ok: runtime.unnecessary_list_allocation
    return len([u for u in users])


def numpy_total(users: list[User]) -> float:
    from numpy import sum  # noqa: A004 - numpy's sum, not the builtin

    # ppa-ok: runtime.unnecessary_list_allocation
    return float(sum([u.logins for u in users]))


def validate_all(forms) -> bool:
    # Deliberately eager: every form must run is_valid() so that all errors are shown, which
    # all(<generator>) would stop doing after the first invalid form.
    # ppa-ok: runtime.unnecessary_list_allocation
    return all([form.is_valid() for form in forms])


def save_all(repo, orders: list[Order]) -> bool:
    # Side effects in the elements: the list form makes every save() run.
    # ppa-ok: runtime.unnecessary_list_allocation
    return all([repo.save(o) for o in orders])


async def shard_total(shards) -> int:
    # With `await` in the element, a generator expression would be an async generator, which
    # sum() cannot consume.
    # ppa-ok: runtime.unnecessary_list_allocation
    return sum([await s.count() for s in shards])


def mean_logins(users: list[User]) -> float:
    from statistics import mean

    # Not one of the listed builtins.
    # ppa-ok: runtime.unnecessary_list_allocation
    return mean([u.logins for u in users])


# --- known gaps -------------------------------------------------------------------------------


def count_admins_via_list(users: list[User]) -> int:
    # A list built with list(<generator>) only to be counted.
    # ppa: runtime.unnecessary_list_allocation LOW
    return len(list(u for u in users if u.is_admin))


def any_admin_truthiness(users: list[User]) -> bool:
    # A comprehension built only for its truth value (`if [..]:`) is the same waste.
    # ppa: runtime.unnecessary_list_allocation LOW
    if [u for u in users if u.is_admin]:
        return True
    # ppa: runtime.unnecessary_list_allocation LOW
    if not [u for u in users if u.is_staff]:
        return False
    return False


def kept_lists(users: list[User]) -> list[User]:
    # ppa-ok: runtime.unnecessary_list_allocation   the list is the value, not a throw-away
    admins = list(u for u in users if u.is_admin)
    # ppa-ok: runtime.unnecessary_list_allocation   tested and then used
    if admins:
        return admins
    # ppa-ok: runtime.unnecessary_list_allocation   a condition that is more than the list
    if [u for u in users if u.is_staff] == admins:
        return []
    # ppa-ok: runtime.unnecessary_list_allocation   sorted() needs the whole sequence anyway
    return sorted(list(u for u in users))
