"""Reads of the archive: public holdings, full-text search with facets, related images.

Search works with the ORM alone, so it behaves the same on SQLite and
PostgreSQL: every word of the query must occur in one of the searched fields
(title, description, signature, photographer, place, series, keywords);
words are matched case-insensitively. Facets count the current result set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from .models import ArchiveImage

PUBLIC_FILTERS = {
    "thumb": "fill-360x270|watermark",
    "preview": "max-1000x800|watermark",
}
SEARCH_FIELDS = (
    "title",
    "description",
    "signature",
    "photographer",
    "place",
    "series__name",
    "tags__name",
)
SORTS = {
    "relevance": _("Relevance"),
    "year": _("Oldest first"),
    "-year": _("Newest first"),
    "signature": _("Signature"),
}
MAX_QUERY_WORDS = 8


def public_images() -> QuerySet[ArchiveImage]:
    return ArchiveImage.objects.filter(in_archive=True, published=True)


def is_public_rendition(*, image: ArchiveImage, filter_spec: str) -> bool:
    """Pictures of web pages are public; of the holdings only watermarked previews are."""
    if not image.in_archive:
        return True
    return image.published and filter_spec in PUBLIC_FILTERS.values()


def words_of(query: str) -> list[str]:
    return [w for w in re.split(r"\s+", query.strip()) if w][:MAX_QUERY_WORDS]


@dataclass
class Filters:
    query: str = ""
    decade: int | None = None
    place: str = ""
    keyword: str = ""
    series: str = ""
    sort: str = "relevance"

    @classmethod
    def from_params(cls, params) -> Filters:
        """Read the request's parameters; anything unusable is simply ignored."""

        def param(name: str, limit: int) -> str:
            # NUL cannot be stored or compared in PostgreSQL text; drop control characters.
            value = params.get(name, "")[:limit]
            return "".join(c for c in value if c.isprintable())

        decade = param("jahrzehnt", 4)
        # "²²²²".isdigit() is true, but only ASCII digits make a year.
        decade_ok = decade.isascii() and decade.isdigit() and len(decade) == 4
        sort = param("sortierung", 20) or "relevance"
        return cls(
            query=param("q", 200),
            decade=int(decade) if decade_ok else None,
            place=param("ort", 150),
            keyword=param("schlagwort", 100),
            series=param("serie", 150),
            sort=sort if sort in SORTS else "relevance",
        )


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    active: bool


@dataclass
class SearchResult:
    images: QuerySet[ArchiveImage]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def _matching(images: QuerySet[ArchiveImage], query: str) -> QuerySet[ArchiveImage]:
    for word in words_of(query):
        condition = Q()
        for name in SEARCH_FIELDS:
            condition |= Q(**{f"{name}__icontains": word})
        images = images.filter(pk__in=ArchiveImage.objects.filter(condition).values("pk"))
    return images


def _apply(images, filters: Filters, *, skip: str = ""):
    if filters.decade is not None and skip != "decade":
        images = images.filter(year_from__gte=filters.decade, year_from__lt=filters.decade + 10)
    if filters.place and skip != "place":
        images = images.filter(place=filters.place)
    if filters.keyword and skip != "keyword":
        images = images.filter(tags__name=filters.keyword)
    if filters.series and skip != "series":
        images = images.filter(series__name=filters.series)
    return images


def _facet(images, field_name: str, active: str) -> list[FacetValue]:
    rows = (
        images.exclude(**{f"{field_name}__isnull": True})
        .exclude(**{field_name: ""})
        .values(field_name)
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", field_name)[:20]
    )
    return [
        FacetValue(str(r[field_name]), str(r[field_name]), r["n"], str(r[field_name]) == active)
        for r in rows
    ]


def _decades(images, active: int | None) -> list[FacetValue]:
    """Images per decade of their first year, counted by the database."""
    rows = (
        images.exclude(year_from__isnull=True)
        # integer division on both databases: 1955 / 10 * 10 = 1950
        .annotate(decade_of=ExpressionWrapper(F("year_from") / 10 * 10, IntegerField()))
        .values("decade_of")
        .annotate(n=Count("pk", distinct=True))
        .order_by("decade_of")
    )
    return [
        FacetValue(str(r["decade_of"]), f"{r['decade_of']}er", r["n"], r["decade_of"] == active)
        for r in rows
    ]


def search(filters: Filters) -> SearchResult:
    base = _matching(public_images(), filters.query)
    images = _apply(base, filters).select_related("series").distinct()
    if filters.sort == "year":
        images = images.order_by("year_from", "signature")
    elif filters.sort == "-year":
        images = images.order_by("-year_from", "signature")
    elif filters.sort == "signature":
        images = images.order_by("signature")
    else:
        first_word = (words_of(filters.query) or [""])[0]
        images = images.annotate(
            title_hit=Case(
                When(title__icontains=first_word, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
            if first_word
            else Value(1, output_field=IntegerField())
        ).order_by("title_hit", "year_from", "signature")
    facets = {
        "decade": _decades(_apply(base, filters, skip="decade"), filters.decade),
        "place": _facet(_apply(base, filters, skip="place"), "place", filters.place),
        "keyword": _facet(_apply(base, filters, skip="keyword"), "tags__name", filters.keyword),
        "series": _facet(_apply(base, filters, skip="series"), "series__name", filters.series),
    }
    return SearchResult(images=images, facets=facets)


def related_images(image: ArchiveImage, *, limit: int = 6) -> list[ArchiveImage]:
    tag_ids = list(image.tags.values_list("pk", flat=True))
    condition = Q(tags__in=tag_ids)
    if image.series_id:
        condition |= Q(series_id=image.series_id)
    return list(
        public_images()
        .filter(condition)
        .exclude(pk=image.pk)
        .distinct()
        .order_by("year_from", "signature")[:limit]
    )
