"""`parseListParams` (ace.md §1.7): lenient limit/offset and the `{items, limit, offset, hasMore}` page."""

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query

from acelab.db.pages import PageParams, PageResult
from acelab.http.wire import AceModel

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

T = TypeVar("T")


# Go's strconv.Atoi fails outside int64, so such a value is "not an integer" (ace.md §1.7); it
# would also overflow the database's OFFSET.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _as_int(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if INT64_MIN <= value <= INT64_MAX else None


async def page_params(
    limit: Annotated[str | None, Query(description="1-100, default 20")] = None,
    offset: Annotated[str | None, Query(description=">= 0, default 0")] = None,
) -> PageParams:
    """Normalise limit and offset; values that are not integers fall back to the defaults."""
    parsed_limit = _as_int(limit)
    parsed_offset = _as_int(offset)
    return PageParams(
        limit=DEFAULT_LIMIT if parsed_limit is None else min(max(parsed_limit, 1), MAX_LIMIT),
        offset=0 if parsed_offset is None else max(parsed_offset, 0),
    )


Paging = Annotated[PageParams, Depends(page_params)]


class Page(AceModel, Generic[T]):
    items: list[T]
    limit: int
    offset: int
    has_more: bool

    @classmethod
    def build(cls, result: PageResult[Any], shape: Callable[[Any], T]) -> "Page[T]":
        return cls(
            items=[shape(item) for item in result.items],
            limit=result.params.limit,
            offset=result.params.offset,
            has_more=result.has_more,
        )
