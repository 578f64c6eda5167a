"""One paging helper for pages and the API alike."""
from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, select

from talent.core.validators import bounded_int
from talent.extensions import db

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # far past any real list; keeps OFFSET inside what databases accept


def _positive_int(raw, default: int, upper: int) -> int:
    value = bounded_int(raw)
    return default if value is None else min(value, upper)


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def window(self, size: int = 2) -> list[int]:
        """Page numbers around the current one, for the pager."""
        start = max(1, self.page - size)
        end = min(self.pages, self.page + size)
        return list(range(start, end + 1))


def paginate(query: Select, args, count_query: Select | None = None) -> Page:
    page = _positive_int(args.get("page"), 1, MAX_PAGE)
    per_page = _positive_int(args.get("per_page"), DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if count_query is None:
        count_query = select(func.count()).select_from(query.order_by(None).subquery())
    total = db.session.scalar(count_query) or 0
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)
