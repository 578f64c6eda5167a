"""One paging helper for pages and the API alike.

Counting every matching row costs a scan of all of them (50 ms of a 67 ms page at a million
talents), so a list counts at most ``COUNT_CAP`` + 1 rows: up to 10,000 the total is exact,
beyond it the page shows "10,000+" and the API says ``total_is_estimate: true`` with the cap
as a lower bound. ``?exact=1`` asks for the exact total where someone needs it.
"""
from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, literal_column, select

from talent.core.validators import bounded_int
from talent.extensions import db

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # far past any real list; keeps OFFSET inside what databases accept
COUNT_CAP = 10_000


def _positive_int(raw, default: int, upper: int) -> int:
    value = bounded_int(raw)
    return default if value is None else min(value, upper)


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    # True when ``total`` is a lower bound (more than COUNT_CAP rows match, not all counted).
    total_is_estimate: bool = False

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (self.total_is_estimate and bool(self.items))

    @property
    def total_label(self) -> str:
        """"1,234" or "10,000+"."""
        return f"{self.total:,}+" if self.total_is_estimate else f"{self.total:,}"

    def window(self, size: int = 2) -> list[int]:
        """Page numbers around the current one, for the pager."""
        start = max(1, self.page - size)
        end = min(max(self.pages, self.page), self.page + size) if self.total_is_estimate \
            else min(self.pages, self.page + size)
        return list(range(start, end + 1))


def wants_exact(args) -> bool:
    return (args.get("exact") or "") in ("1", "true")


def capped_count(query: Select, cap: int | None = None) -> tuple[int, bool]:
    """(count, is_estimate): counts at most ``cap`` (COUNT_CAP) + 1 matching rows of ``query``."""
    cap = COUNT_CAP if cap is None else cap
    limited = query.order_by(None)
    if not (limited._distinct or limited._group_by_clauses):  # else the columns are the rows
        limited = limited.with_only_columns(literal_column("1"), maintain_column_froms=True)
    found = db.session.scalar(select(func.count()).select_from(limited.limit(cap + 1).subquery())) or 0
    return (cap, True) if found > cap else (found, False)


def paginate(query: Select, args, count_query: Select | None = None,
             capped_query: Select | None = None) -> Page:
    """One page of ``query``. ``count_query`` (optional) counts the same rows more cheaply; it
    is used for the exact total asked for with ``?exact=1``. ``capped_query`` (optional)
    selects the same rows more cheaply for the capped count."""
    page = _positive_int(args.get("page"), 1, MAX_PAGE)
    per_page = _positive_int(args.get("per_page"), DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if wants_exact(args):
        if count_query is None:
            count_query = select(func.count()).select_from(query.order_by(None).subquery())
        total, estimate = db.session.scalar(count_query) or 0, False
    else:
        total, estimate = capped_count(query if capped_query is None else capped_query)
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page, total_is_estimate=estimate)
