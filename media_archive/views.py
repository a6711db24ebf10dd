"""Public research pages and the guarded file view (thin adapters over the selectors)."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_safe

from . import selectors
from .models import ArchiveImage, ArchiveRendition
from .storage import archive_storage, name_from_token


@require_GET
def research(request):
    filters = selectors.Filters.from_params(request.GET)
    result = selectors.search(filters, page=request.GET.get("seite"))
    page = result.page
    params = request.GET.copy()
    params.pop("seite", None)
    return TemplateResponse(
        request,
        "media_archive/research.html",
        {
            "filters": filters,
            "page": page,
            "facets": result.facets,
            "similar": result.similar,
            "sorts": selectors.SORTS,
            "query_string": params.urlencode(),
            "thumb": selectors.PUBLIC_FILTERS["thumb"],
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
