"""Pages of long lists whose total the page's own query already counted."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A paginator that is told the count instead of running ``COUNT(*)`` again."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def page_number(value) -> int:
    """A visitor's page number: a whole number from 1; anything else is page 1."""
    text = str(value or "")
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 7 else 1
    return max(number, 1)
