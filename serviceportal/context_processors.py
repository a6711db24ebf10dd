from wagtail.models import Site


def navigation(request):
    """Top-level pages marked "show in menus", for the header of every page."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"site_nav_pages": []}
    return {"site_nav_pages": site.root_page.get_children().live().in_menu()}
