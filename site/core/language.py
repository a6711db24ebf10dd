"""The portal's language switch: the same page in the other language.

Django's ``set_language`` translates the ``next`` address by resolving it in the
active language. The switch's own address has no language prefix, so German
would be active and an English address (``/en/konto/``) would not resolve as the
account page but as a CMS path. The switch therefore resolves ``next`` in the
language of its own prefix, then lets Django reverse it in the chosen one.

A CMS page goes to its translation (which may have a slug of its own); a page that
has none goes to the home page in the chosen language.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail.models import Locale, Page, Site


@csrf_exempt  # it only sets the language cookie; "next" is checked against the hosts
def switch_language(request):
    next_url = request.POST.get("next", request.GET.get("next", "")) or "/"
    source = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(source or settings.LANGUAGE_CODE):
        response = set_language(request)
    target = request.POST.get("language", "")
    if isinstance(response, HttpResponseRedirect) and response.status_code == 302:
        page_url = _translated_page_url(request, next_url, source or settings.LANGUAGE_CODE, target)
        if page_url:
            response["Location"] = page_url
    return response


def _page_at(request, path: str, language: str) -> Page | None:
    site = Site.find_for_request(request)
    if site is None:
        return None
    prefix = f"/{language}/"
    if language != settings.LANGUAGE_CODE and path.startswith(prefix):
        path = "/" + path[len(prefix) :]
    components = [part for part in path.split("/") if part]
    with translation.override(language):
        try:
            page, _args, _kwargs = site.root_page.localized.specific.route(request, components)
        except Http404:
            return None
    return page


def _translated_page_url(request, next_url: str, source: str, target: str) -> str | None:
    """The address of the CMS page at ``next_url`` in the ``target`` language, if it is one."""
    locale = Locale.objects.filter(language_code=target).first()
    if locale is None or source == target:
        return None
    page = _page_at(request, urlsplit(next_url).path, source)
    if page is None:
        return None
    translated = page.get_translation_or_none(locale)
    if translated is None or not translated.live:
        site = Site.find_for_request(request)
        translated = site.root_page.get_translation_or_none(locale) if site else None
    if translated is None:
        return None
    with translation.override(target):
        return translated.get_url(request)
