"""The portal's URLs and ``/_bench/bare/``: the cheapest view Django can serve in this setup
(same middleware, same server), the yardstick of the page figures."""

from django.http import HttpResponse
from django.urls import path

from portal_site.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("_bench/bare/", bare), *portal_urlpatterns]
