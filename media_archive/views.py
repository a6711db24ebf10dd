"""Public research pages and the guarded file view (thin adapters over the selectors)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_safe

from portal_site.core.links import url_maker

from . import selectors
from .models import ArchiveImage, ArchiveRendition
from .storage import archive_storage, name_from_token

FACET_PARAMS = {"decade": "jahrzehnt", "place": "ort", "keyword": "schlagwort", "series": "serie"}


@dataclass
class FacetLink:
    label: str
    count: int
    active: bool
    query: str  # the page's query with this value set, or removed when it is active


def _facet_links(facets: dict, params) -> dict[str, list[FacetLink]]:
    """Each facet value's link: the current query (without the page) with the value set
    or, when it is the active one, removed. Encoded once per facet, not per value."""
    links = {}
    for key, values in facets.items():
        param = FACET_PARAMS[key]
        others = params.copy()
        others.pop(param, None)
        rest = others.urlencode()
        prefix = f"{rest}&" if rest else ""
        links[key] = [
            FacetLink(
                facet.label,
                facet.count,
                facet.active,
                rest if facet.active else f"{prefix}{urlencode({param: facet.value})}",
            )
            for facet in values
        ]
    return links


def _rendition(image: ArchiveImage, spec: str):
    """The image's rendition from the prefetched ones (no lookups), made if missing."""
    for rendition in getattr(image, "prefetched_renditions", ()):
        if rendition.filter_spec == spec:
            return rendition
    return image.get_rendition(spec)


@require_GET
def research(request):
    filters = selectors.Filters.from_params(request.GET)
    result = selectors.search(filters, page=request.GET.get("seite"))
    page = result.page
    params = request.GET.copy()
    params.pop("seite", None)
    detail_url = url_maker("media_archive:detail")
    for image in page.object_list:
        image.detail_url = detail_url(image.pk)
        image.thumb = _rendition(image, selectors.PUBLIC_FILTERS["thumb"])
    return TemplateResponse(
        request,
        "media_archive/research.html",
        {
            "filters": filters,
            "page": page,
            "facets": _facet_links(result.facets, params),
            "similar": result.similar,
            "sorts": selectors.SORTS,
            "query_string": params.urlencode(),
        },
    )


@require_safe
def detail(request, pk: int):
    image = get_object_or_404(selectors.public_images().select_related("series"), pk=pk)
    return TemplateResponse(
        request,
        "media_archive/detail.html",
        {
            "image": image,
            "related": selectors.related_images(image),
            "preview": selectors.PUBLIC_FILTERS["preview"],
            "thumb": selectors.PUBLIC_FILTERS["thumb"],
        },
    )


@require_GET
@cache_control(private=True, max_age=3600)
def protected_file(request, token: str):
    """A rendition or original: public previews to all, everything else to staff only."""
    name = name_from_token(token)
    if not name:
        raise Http404
    rendition = ArchiveRendition.objects.filter(file=name).select_related("image").first()
    allowed = request.user.is_authenticated and request.user.is_staff
    if rendition is not None:
        allowed = allowed or selectors.is_public_rendition(
            image=rendition.image, filter_spec=rendition.filter_spec
        )
    elif not ArchiveImage.objects.filter(file=name).exists():
        raise Http404
    if not allowed:
        raise Http404  # the same answer as for a file that does not exist
    storage = archive_storage()
    if not storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(storage.open(name, "rb"), content_type=content_type)
