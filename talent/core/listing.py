"""One shape for filtered, sorted, paged lists, used by pages, the API and exports alike.

A list is a frozen dataclass built from request arguments: unknown or malformed values are
dropped rather than raising, so a hand-edited URL shows the whole list instead of an error.
``args()`` gives back the non-default values, to keep filters across pages and into export links.
Text searches use SQLAlchemy's ``column.contains(text, autoescape=True)`` so ``%`` and ``_`` are literal.
"""
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import ClassVar

from sqlalchemy import Select, func, select


@dataclass(frozen=True)
class ListQuery:
    """Subclasses set ``MODEL``, ``SORTS`` (name → column), ``DEFAULT_SORT`` and implement
    ``parse`` (args → field values) and ``where`` (filters on a Select)."""

    sort: str = ""

    MODEL: ClassVar = None
    SORTS: ClassVar[dict] = {}
    DEFAULT_SORT: ClassVar[str] = "-id"

    @classmethod
    def parse(cls, args: Mapping) -> dict:
        return {}

    @classmethod
    def from_args(cls, args: Mapping) -> "ListQuery":
        values = cls.parse(args)
        sort = args.get("sort") or cls.DEFAULT_SORT
        values["sort"] = sort if sort.lstrip("-") in cls.SORTS else cls.DEFAULT_SORT
        return cls(**values)

    def args(self) -> dict:
        defaults = {f.name: f.default for f in fields(self)}
        defaults["sort"] = self.DEFAULT_SORT
        return {k: v for k, v in self.__dict__.items() if v not in ("", None) and v != defaults.get(k)}

    def where(self, query: Select) -> Select:
        return query

    def select(self) -> Select:
        name = (self.sort or self.DEFAULT_SORT)
        column = self.SORTS[name.lstrip("-")]
        descending = name.startswith("-")
        tie = self.MODEL.id.desc() if descending else self.MODEL.id.asc()
        return self.where(select(self.MODEL)).order_by(column.desc() if descending else column.asc(), tie)

    def count(self) -> Select:
        return self.where(select(func.count(self.MODEL.id)))
