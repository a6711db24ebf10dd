from django.utils.functional import SimpleLazyObject
from wagtail.models import Site


def navigation(request):
    """Top-level pages marked "show in menus", for the header of every page.

    Read only when the header is rendered: a header from the fragment cache costs no
    query (the home page in the reader's language is a lookup of its own).
    """
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"site_nav_pages": []}

    def pages():
        # The home page in the reader's language (the site's own when it has no translation).
        home = site.root_page.localized
        return list(home.get_children().live().in_menu())

    return {"site_nav_pages": SimpleLazyObject(pages)}
