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
other facets applied, all four and the total in one SQL statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from . import indexing
from .models import ArchiveImage, ArchiveImageTag

PUBLIC_FILTERS = {
    "thumb": "fill-360x270|watermark",
    "preview": "max-1000x800|watermark",
}
FACET_LIMIT = 20
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
    images: QuerySet[ArchiveImage]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    total: int = 0
    # True when nothing matched exactly and the images are near misses (typos).
    similar: bool = False


class CountedPaginator(Paginator):
    """A paginator that is told the count (the facet statement already has it)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _tsquery(words: list[str]) -> str:
    # Words hold only letters and digits (normalized), so they are safe operands.
    return " & ".join(f"{word}:*" for word in words)


def _matching(images: QuerySet[ArchiveImage], words: list[str]) -> QuerySet[ArchiveImage]:
    if not words:
        return images
    if _postgresql():
        query = _tsquery(words)
        # A query of stop words only ("der die") restricts nothing.
        return images.filter(
            RawSQL(
                "(numnode(to_tsquery('german', %s)) = 0"
                " OR search_vector @@ to_tsquery('german', %s))",
                [query, query],
                output_field=BooleanField(),
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


# The statements below are assembled from SQL that Django compiled (its values
# stay parameters) and from constants of this module: no input is in the text.


def _facet_part(name: str, queryset, order: str) -> tuple[str, tuple]:
    sql, params = _sql(queryset.order_by().annotate(n=Count("pk")))
    return (
        f"SELECT '{name}' AS facet, CAST(f.value AS TEXT) AS value, f.n AS n,"  # noqa: S608
        f" ROW_NUMBER() OVER (ORDER BY {order}) AS position FROM ({sql}) f",
        params,
    )


def _counts(base, filters: Filters) -> tuple[int, dict[str, list[FacetValue]]]:
    """The total and the four facets in one statement (UNION ALL of grouped counts)."""
    total_sql, total_params = _sql(_apply(base, filters).order_by().values("pk"))
    parts = [
        (
            f"SELECT 'total' AS facet, CAST('' AS TEXT) AS value, COUNT(*) AS n,"  # noqa: S608
            f" 1 AS position FROM ({total_sql}) t",
            total_params,
        ),
        _facet_part(
            "decade",
            _apply(base, filters, skip="decade")
            .exclude(year_from__isnull=True)
            # integer division on both databases: 1955 / 10 * 10 = 1950
            .values(value=ExpressionWrapper(F("year_from") / 10 * 10, IntegerField())),
            "f.value",
        ),
        _facet_part(
            "place",
            _apply(base, filters, skip="place").exclude(place="").values(value=F("place")),
            "f.n DESC, f.value",
        ),
        _facet_part(
            "keyword",
            _apply(base, filters, skip="keyword")
            .filter(tagged_items__isnull=False)
            .values(value=F("tagged_items__tag__name")),
            "f.n DESC, f.value",
        ),
        _facet_part(
            "series",
            _apply(base, filters, skip="series")
            .filter(series__isnull=False)
            .values(value=F("series__name")),
            "f.n DESC, f.value",
        ),
    ]
    union = " UNION ALL ".join(
        f"SELECT * FROM ({part}) AS p{i}"  # noqa: S608
        for i, (part, _) in enumerate(parts)
    )
    sql = (
        "SELECT facet, value, n FROM ("  # noqa: S608
        + union
        + f") AS counts WHERE facet = 'decade' OR position <= {FACET_LIMIT}"
        " ORDER BY facet, position"
    )
    params = tuple(p for _, part_params in parts for p in part_params)
    active = {
        "decade": str(filters.decade) if filters.decade is not None else "",
        "place": filters.place,
        "keyword": filters.keyword,
        "series": filters.series,
    }
    total = 0
    facets: dict[str, list[FacetValue]] = {key: [] for key in active}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, n in cursor.fetchall():
            if facet == "total":
                total = n
                continue
            label = f"{value}er" if facet == "decade" else value
            facets[facet].append(FacetValue(value, label, n, value == active[facet]))
    return total, facets


def _ordered(images, filters: Filters, words: list[str], *, similar: bool):
    if filters.sort == "year":
        return images.order_by("year_from", "signature")
    if filters.sort == "-year":
        return images.order_by("-year_from", "signature")
    if filters.sort == "signature":
        return images.order_by("signature")
    if not words:
        return images.order_by("year_from", "signature")
    if _postgresql():
        if similar:
            score = RawSQL(
                "word_similarity(%s, search_text)", [" ".join(words)], output_field=FloatField()
            )
        else:
            score = RawSQL(
                "ts_rank(search_vector, to_tsquery('german', %s))",
                [_tsquery(words)],
                output_field=FloatField(),
            )
        return images.annotate(score=score).order_by("-score", "year_from", "signature")
    return images.annotate(
        title_hit=Case(
            When(search_text__startswith=words[0], then=Value(0)),
            When(title__icontains=words[0], then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("title_hit", "year_from", "signature")


def search(filters: Filters) -> SearchResult:
    words = words_of(filters.query)
    base = _matching(public_images(), words)
    total, facets = _counts(base, filters)
    similar = False
    if total == 0 and words and _postgresql():
        near = _similar(public_images(), words)
        near_total, near_facets = _counts(near, filters)
        if near_total:
            base, total, facets, similar = near, near_total, near_facets, True
    images = _apply(base, filters).select_related("series")
    images = _ordered(images, filters, words, similar=similar).prefetch_renditions(
        PUBLIC_FILTERS["thumb"]
    )
    return SearchResult(images=images, facets=facets, total=total, similar=similar)


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
