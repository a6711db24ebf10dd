"""Reads of the archive: public holdings, full-text search with facets, related images.

Every word of the query must occur (as a word or the start of one) in the
image's title, description, signature, photographer, place, series or
keywords, regardless of case, umlauts and accents: ``konigsstrasse`` finds
"Königsstraße". The words are compared with one normalized column
(:mod:`media_archive.indexing`):

- on PostgreSQL through the German full-text configuration (stemming,
  prefix matching, ranking with the title first) on a GIN-indexed
  ``tsvector``; when no image matches, trigram similarity finds near misses
  (typos) and the result says so;
- on SQLite (the quick start) by a substring test per word on the same column.

The facets (decade, place, keyword, series) count the result set with the
other facets applied, all four and the total in one SQL statement. Without
words, the counts are the same for every visitor and are kept in the shared
cache until the holdings change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import cast

from django.core.cache import cache
from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import ImageQuerySet

from portal_site.core.paging import CountedPaginator, page_number

from . import indexing
from .models import ArchiveImage, ArchiveImageTag, Series

PUBLIC_FILTERS = {
    "thumb": "fill-360x270|watermark",
    "preview": "max-1000x800|watermark",
}
FACET_LIMIT = 20
PAGE_SIZE = 24
COUNTS_SECONDS = 3600
SORTS = {
    "relevance": _("Relevance"),
    "year": _("Oldest first"),
    "-year": _("Newest first"),
    "signature": _("Signature"),
}
MAX_QUERY_WORDS = 8


def public_images() -> ImageQuerySet:
    return cast(ImageQuerySet, ArchiveImage.objects.filter(in_archive=True, published=True))


def is_public_rendition(*, image: ArchiveImage, filter_spec: str) -> bool:
    """Pictures of web pages are public; of the holdings only watermarked previews are."""
    if not image.in_archive:
        return True
    return image.published and filter_spec in PUBLIC_FILTERS.values()


def words_of(query: str) -> list[str]:
    """The query's words, normalized as the search column is."""
    return indexing.words(query)[:MAX_QUERY_WORDS]


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
    images: list[ArchiveImage]  # the requested page's images
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    total: int = 0
    # True when nothing matched exactly and the images are near misses (typos).
    similar: bool = False
    page: Page | None = None


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _tsquery(words: list[str]) -> str:
    # Words hold only letters and digits (normalized), so they are safe operands.
    return " & ".join(f"{word}:*" for word in words)


def _only_stop_words(query: str) -> bool:
    """True when the German configuration drops every word ("der die das")."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(to_tsquery('german', %s)) = 0", [query])
        return cursor.fetchone()[0]


def _matching(images: QuerySet[ArchiveImage], words: list[str]) -> QuerySet[ArchiveImage]:
    if not words:
        return images
    if _postgresql():
        query = _tsquery(words)
        if _only_stop_words(query):  # restricts nothing
            return images
        return images.filter(
            RawSQL(
                "search_vector @@ to_tsquery('german', %s)", [query], output_field=BooleanField()
            )
        )
    for word in words:
        images = images.filter(search_text__contains=word)
    return images


def _similar(images: QuerySet[ArchiveImage], words: list[str]) -> QuerySet[ArchiveImage]:
    """Near misses: every word is similar to a word of the image (PostgreSQL's pg_trgm)."""
    for word in words:
        images = images.filter(RawSQL("%s <%% search_text", [word], output_field=BooleanField()))
    return images


def _apply(images, filters: Filters, *, skip: str = ""):
    if filters.decade is not None and skip != "decade":
        images = images.filter(year_from__gte=filters.decade, year_from__lt=filters.decade + 10)
    if filters.place and skip != "place":
        images = images.filter(place=filters.place)
    if filters.keyword and skip != "keyword":
        images = images.filter(
            Exists(
                ArchiveImageTag.objects.filter(
                    content_object=OuterRef("pk"), tag__name=filters.keyword
                )
            )
        )
    if filters.series and skip != "series":
        images = images.filter(series__name=filters.series)
    return images


def _sql(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _flags(filters: Filters) -> tuple[dict[str, str], dict[str, list]]:
    """SQL conditions on the base rows, one per active facet ("1 = 1" when inactive)."""
    tag_table = ArchiveImageTag._meta.db_table
    conditions = {"decade": "1 = 1", "place": "1 = 1", "keyword": "1 = 1", "series": "1 = 1"}
    params: dict[str, list] = {"decade": [], "place": [], "keyword": [], "series": []}
    if filters.decade is not None:
        conditions["decade"] = "b.year_from >= %s AND b.year_from < %s"
        params["decade"] = [filters.decade, filters.decade + 10]
    if filters.place:
        conditions["place"] = "b.place = %s"
        params["place"] = [filters.place]
    if filters.keyword:
        conditions["keyword"] = (
            f"b.id IN (SELECT it.content_object_id FROM {tag_table} it"  # noqa: S608
            " JOIN taggit_tag tt ON tt.id = it.tag_id WHERE tt.name = %s)"
        )
        params["keyword"] = [filters.keyword]
    if filters.series:
        conditions["series"] = (
            f"b.series_id IN (SELECT id FROM {Series._meta.db_table} WHERE name = %s)"  # noqa: S608
        )
        params["series"] = [filters.series]
    return conditions, params


def _where(conditions: dict[str, str], params: dict[str, list], *, skip: str) -> tuple[str, list]:
    names = [name for name in conditions if name != skip]
    return (
        " AND ".join(f"({conditions[name]})" for name in names),
        [p for name in names for p in params[name]],
    )


# The statement below is assembled from SQL that Django compiled (its values stay
# parameters), the tables' names and constants of this module: no input is in the text.


@dataclass
class _PageSpec:
    """Which result page the counting statement returns too (PostgreSQL with words)."""

    score: tuple[str, list]  # SQL over the image's alias "i", and its parameters
    order: str  # over the alias "x."
    offset: int
    size: int


ORDERS = {
    "relevance": "x.score DESC, x.year_from, x.signature",
    "year": "x.year_from, x.signature",
    "-year": "x.year_from DESC, x.signature",
    "signature": "x.signature",
}


def _counts(base, filters: Filters, page: _PageSpec | None = None):
    """The total, the four facets (and a page of ids) in one statement.

    The matching images are read once (a CTE of their narrow columns); each
    facet is then grouped from it with the other facets applied. Returns
    ``(total, facets, page_ids)``; ``page_ids`` is None without ``page``.
    """
    columns = ["id", "year_from", "place", "series_id"]
    if page is not None:
        columns.append("signature")
    base_sql, base_params = _sql(base.order_by().values(*columns))
    conditions, params = _flags(filters)
    tag_table = ArchiveImageTag._meta.db_table
    series_table = Series._meta.db_table
    parts, part_params = [], []

    def part(sql: str, skip: str, extra: tuple = (), lead: tuple = ()) -> None:
        where, where_params = _where(conditions, params, skip=skip)
        parts.append(sql.replace("{where}", where))
        part_params.extend([*lead, *where_params, *extra])

    part(
        "SELECT 'total' AS facet, CAST('' AS TEXT) AS value, COUNT(*) AS n, 1 AS position"
        " FROM base b WHERE {where}",
        skip="",
    )
    part(
        "SELECT 'decade', CAST(d.value AS TEXT), d.n, ROW_NUMBER() OVER (ORDER BY d.value)"
        " FROM (SELECT b.year_from / 10 * 10 AS value, COUNT(*) AS n FROM base b"
        " WHERE b.year_from IS NOT NULL AND {where} GROUP BY b.year_from / 10 * 10) d",
        skip="decade",
    )
    part(
        "SELECT 'place', d.value, d.n, ROW_NUMBER() OVER (ORDER BY d.n DESC, d.value)"
        " FROM (SELECT b.place AS value, COUNT(*) AS n FROM base b"
        " WHERE b.place <> '' AND {where} GROUP BY b.place) d",
        skip="place",
    )
    part(
        "SELECT 'keyword', tt.name, d.n,"  # noqa: S608
        " ROW_NUMBER() OVER (ORDER BY d.n DESC, tt.name)"
        f" FROM (SELECT it.tag_id, COUNT(*) AS n FROM base b JOIN {tag_table} it"
        " ON it.content_object_id = b.id WHERE {where} GROUP BY it.tag_id) d"
        " JOIN taggit_tag tt ON tt.id = d.tag_id",
        skip="keyword",
    )
    part(
        "SELECT 'series', s.name, d.n,"  # noqa: S608
        " ROW_NUMBER() OVER (ORDER BY d.n DESC, s.name)"
        " FROM (SELECT b.series_id, COUNT(*) AS n FROM base b"
        " WHERE b.series_id IS NOT NULL AND {where} GROUP BY b.series_id) d"
        f" JOIN {series_table} s ON s.id = d.series_id",
        skip="series",
    )
    if page is not None:
        # The score only for the rows past every filter (the rank reads each vector).
        score_sql, score_params = page.score
        part(
            "SELECT 'page', CAST(x.id AS TEXT), 0,"  # noqa: S608
            f" ROW_NUMBER() OVER (ORDER BY {page.order})"
            f" FROM (SELECT b.id, {score_sql} AS score, b.year_from, b.signature FROM base b"
            f" JOIN {ArchiveImage._meta.db_table} i ON i.id = b.id WHERE {{where}}"
            f" ORDER BY {page.order.replace('x.score', '2').replace('x.', 'b.')}"
            " LIMIT %s OFFSET %s) x",
            skip="",
            extra=(page.size, page.offset),
            lead=tuple(score_params),
        )
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) AS p{i}"  # noqa: S608
        for i, sql in enumerate(parts)
    )
    sql = (
        f"WITH base AS ({base_sql}) "  # noqa: S608
        f"SELECT c.facet, c.value, c.n FROM ({union}) AS c"
        f" WHERE c.facet IN ('decade', 'page') OR c.position <= {FACET_LIMIT}"
        " ORDER BY c.facet, c.position"
    )
    active = {
        "decade": str(filters.decade) if filters.decade is not None else "",
        "place": filters.place,
        "keyword": filters.keyword,
        "series": filters.series,
    }
    total = 0
    facets: dict[str, list[FacetValue]] = {key: [] for key in active}
    ids: list[int] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, (*base_params, *part_params))
        for facet, value, n in cursor.fetchall():
            if facet == "total":
                total = n
            elif facet == "page":
                ids.append(int(value))
            else:
                label = f"{value}er" if facet == "decade" else value
                facets[facet].append(FacetValue(value, label, n, value == active[facet]))
    return total, facets, None if page is None else ids


def _score(words: list[str], *, similar: bool) -> tuple[str, list]:
    if similar:
        return "word_similarity(%s, i.search_text)", [" ".join(words)]
    return "ts_rank(i.search_vector, to_tsquery('german', %s))", [_tsquery(words)]


def _ordered(images, filters: Filters, words: list[str]):
    """The order of the result pages the ORM reads (no words, or SQLite)."""
    if filters.sort == "-year":
        return images.order_by("-year_from", "signature")
    if filters.sort == "signature":
        return images.order_by("signature")
    if filters.sort == "year" or not words:
        return images.order_by("year_from", "signature")
    return images.annotate(
        title_hit=Case(
            When(search_text__startswith=words[0], then=Value(0)),
            When(title__icontains=words[0], then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("title_hit", "year_from", "signature")


def _cached_counts(base, filters: Filters, words: list[str]):
    """Counts without words are the same for every visitor: kept in the shared cache
    until the holdings change (their generation moves on)."""
    if words:
        return _counts(base, filters)[:2]
    state = (filters.decade, filters.place, filters.keyword, filters.series)
    digest = hashlib.sha256(repr(state).encode()).hexdigest()
    key = f"archive:counts:{indexing.generation()}:{digest}"
    counts = cache.get(key)
    if counts is None:
        counts = _counts(base, filters)[:2]
        cache.set(key, counts, COUNTS_SECONDS)
    return counts


def _by_ids(ids: list[int]) -> list[ArchiveImage]:
    images = ArchiveImage.objects.filter(pk__in=ids).select_related("series")
    found = {image.pk: image for image in images.prefetch_renditions(PUBLIC_FILTERS["thumb"])}
    return [found[pk] for pk in ids if pk in found]


def search(filters: Filters, *, page=1, per_page: int = PAGE_SIZE) -> SearchResult:
    """One page of the research's result (``page``: the visitor's page number, any text).

    On PostgreSQL with words, the total, the facets and the page's ids come
    from one statement; without words the counts come from the shared cache.
    """
    words = words_of(filters.query)
    number = page_number(page)
    base = _matching(public_images(), words)
    similar, ids, full_text = False, None, bool(words) and _postgresql()

    def spec(at: int, *, near: bool) -> _PageSpec:
        return _PageSpec(
            _score(words, similar=near), ORDERS[filters.sort], (at - 1) * per_page, per_page
        )

    if full_text:
        total, facets, ids = _counts(base, filters, spec(number, near=False))
        if total == 0:
            near = _similar(public_images(), words)
            near_total, near_facets, near_ids = _counts(near, filters, spec(number, near=True))
            if near_total:
                base, total, facets, ids, similar = near, near_total, near_facets, near_ids, True
    else:
        total, facets = _cached_counts(base, filters, words)
    paginator = CountedPaginator([], per_page, count=total)
    if number > paginator.num_pages:  # Django's get_page: the last page instead
        number, ids = paginator.num_pages, None
    if full_text:
        if ids is None:
            ids = _counts(base, filters, spec(number, near=similar))[2]
        images = _by_ids(ids)
    else:
        offset = (number - 1) * per_page
        ordered = _ordered(_apply(base, filters).select_related("series"), filters, words)
        images = list(
            ordered.prefetch_renditions(PUBLIC_FILTERS["thumb"])[offset : offset + per_page]
        )
    return SearchResult(
        images=images,
        facets=facets,
        total=total,
        similar=similar,
        page=Page(images, number, paginator),
    )


def related_images(image: ArchiveImage, *, limit: int = 6) -> list[ArchiveImage]:
    """Public images sharing a keyword or the series, oldest first."""
    shares_tag = Exists(
        ArchiveImageTag.objects.filter(
            content_object=OuterRef("pk"),
            tag__in=ArchiveImageTag.objects.filter(content_object=image).values("tag"),
        )
    )
    condition = shares_tag | Q(series_id=image.series_id) if image.series_id else shares_tag
    return list(
        public_images()
        .filter(condition)
        .exclude(pk=image.pk)
        .order_by("year_from", "signature")
        .prefetch_renditions(PUBLIC_FILTERS["thumb"])[:limit]
    )
