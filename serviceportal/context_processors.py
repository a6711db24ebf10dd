from django.db.models import CharField, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from wagtail.models import Page, Site


def navigation(request):
    """Top-level pages marked "show in menus", for the header of every page.

    Read only when the header is rendered (a header from the fragment cache costs no
    query), in one statement: the children of the home page in the reader's language,
    or of the site's own home page when it has no translation.
    """
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"site_nav_pages": []}

    def pages():
        root = site.root_page
        translated_home = Page.objects.filter(
            translation_key=root.translation_key,
            locale__language_code=get_language(),
            depth=root.depth,
            live=True,
        ).values("path")[:1]
        home_path = Coalesce(Subquery(translated_home), Value(root.path), output_field=CharField())
        return list(
            Page.objects.live()
            .in_menu()
            .filter(depth=root.depth + 1)
            .filter(path__startswith=home_path)
            .order_by("path")
        )

    return {"site_nav_pages": SimpleLazyObject(pages)}
