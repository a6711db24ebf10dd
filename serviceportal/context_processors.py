from wagtail.models import Site


def navigation(request):
    """Top-level pages marked "show in menus", for the header of every page."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"site_nav_pages": []}
    # The home page in the reader's language (the site's own when it has no translation).
    home = site.root_page.localized
    return {"site_nav_pages": home.get_children().live().in_menu()}
