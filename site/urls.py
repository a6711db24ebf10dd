from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal_site.core.language import switch_language
from portal_site.core.views import favicon, live, not_found, ready

urlpatterns = [
    # Wagtail's "failwhale" raises a server error on purpose (to test error reporting):
    # no member of staff may cause a 500 at will.
    path("admin/failwhale/", not_found, name="wagtailadmin_error_test"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The language switch of every portal page needs no CSRF token (it only sets the
    # language cookie; "next" is checked against the allowed hosts), so that pages
    # carry no token and can be served to anonymous visitors from the page cache.
    path("i18n/setlang/", switch_language, name="set_language"),
    path("favicon.ico", favicon, name="favicon"),
    path("health/", ready, name="health"),
    path("health/ready/", ready, name="health_ready"),
    path("health/live/", live, name="health_live"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Every portal page in both languages: German without a prefix (/archiv/), English
# under /en/ (/en/archiv/). The language switch (set_language) keeps the visitor on
# the same page in the other language. The project configuration wires the packages
# together by name, as INSTALLED_APPS does; kernel code never imports them.
urlpatterns += i18n_patterns(
    path("", include("serviceportal.urls")),
    path("", include("shop.urls")),
    path("", include("media_archive.urls")),
    path("", include("flows.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
