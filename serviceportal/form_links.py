"""Published forms nobody can find: live form pages no live page links to.

A form page is reached through a service page's "Online-Dienst" link, a link in
a page's text or a tile; none of them is made by publishing the form. Wagtail's
reference index knows every such link (it is updated whenever a page is saved),
so one statement finds the forms without one.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from wagtail.models import Page, ReferenceIndex

from .form_pages import ServiceFormPage


def _linked_page_ids() -> QuerySet:
    """The pages some live page links to (as text ids, as the index keeps them)."""
    page_type = ContentType.objects.get_for_model(Page)
    live_sources = Page.objects.live().annotate(text_id=Cast("pk", CharField())).values("text_id")
    return ReferenceIndex.objects.filter(
        to_content_type=page_type,
        base_content_type=page_type,
        object_id__in=live_sources,
    ).values("to_object_id")


def unlinked_forms() -> QuerySet[ServiceFormPage]:
    """Live forms no live page links to. A service page's "Online-Dienst" link is read
    directly (it counts at once); other links through the index, which the background
    worker updates a moment after a page is saved."""
    from .models import ServicePage

    served = ServicePage.objects.live().filter(online_link__isnull=False).values("online_link")
    return (
        ServiceFormPage.objects.live()
        .exclude(pk__in=served)
        .annotate(text_id=Cast("pk", CharField()))
        .exclude(text_id__in=_linked_page_ids())
        .order_by("title")
    )


def is_linked(page: Page) -> bool:
    return unlinked_forms().filter(pk=page.pk).count() == 0
