"""Offset pages fetched with one extra row to learn whether more exist (ace.md §1.7)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class PageParams:
    limit: int = 20
    offset: int = 0


T = TypeVar("T")


@dataclass(frozen=True)
class PageResult(Generic[T]):
    items: Sequence[T]
    params: PageParams
    has_more: bool


async def fetch_page(session: AsyncSession, stmt: Select[Any], params: PageParams) -> PageResult[Any]:
    """Run an ordered select for one page."""
    rows = (await session.scalars(stmt.limit(params.limit + 1).offset(params.offset))).all()
    return PageResult(items=rows[: params.limit], params=params, has_more=len(rows) > params.limit)
