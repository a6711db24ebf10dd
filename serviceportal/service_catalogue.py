"""The service catalogue (Leistungen): every published service page, grouped by topic
and searchable, on the service index page (``serviceportal.models.catalogue``, shown by
``ServiceIndexPage.get_context``).

A form is part of the catalogue through the service page that names it as its online
application (``ServicePage.online_link``); :func:`refuse_unlisted_form` keeps a form
without one from being published (the admin's ``before_publish_page`` hook).
"""

from __future__ import annotations

from .models import ServicePage


def service_of(form_page) -> ServicePage | None:
    """The catalogue entry whose online application ``form_page`` is, in its own language
    or another (a translated form belongs to its original's service)."""
    services = ServicePage.objects.filter(online_link__translation_key=form_page.translation_key)
    return services.order_by("pk").first()


def refuse_unlisted_form(request, page):
    """``before_publish_page``: a form is published only as the online application of a
    service page; otherwise its draft is kept and the editor told what to do."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext

    from .form_pages import ServiceFormPage

    if page.specific_class is not ServiceFormPage or service_of(page) is not None:
        return None
    if page.live and page.first_published_at is None:
        # Wagtail's create view adds a new page as live before this hook: keep it a draft.
        type(page).objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
    messages.error(
        request,
        gettext(
            "The form “%(title)s” is in no service of the catalogue, so it was saved as a "
            "draft and not published. Choose it as the online application of a service "
            "page (Online-Dienste), then publish it."
        )
        % {"title": page.title},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
