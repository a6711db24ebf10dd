"""The portal's language switch: the same page in the other language.

Django's ``set_language`` translates the ``next`` address by resolving it in the
active language. The switch's own address has no language prefix, so German
would be active and an English address (``/en/konto/``) would not resolve as the
account page but as a CMS path. The switch therefore resolves ``next`` in the
language of its own prefix, then lets Django reverse it in the chosen one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language


@csrf_exempt  # it only sets the language cookie; "next" is checked against the hosts
def switch_language(request):
    next_url = request.POST.get("next", request.GET.get("next", "")) or "/"
    source = translation.get_language_from_path(urlsplit(next_url).path)
    with translation.override(source or settings.LANGUAGE_CODE):
        return set_language(request)
