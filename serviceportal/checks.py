"""System check: every published online form provides the inputs its process reads.

Runs with the database checks (``manage.py check --database default``, and
before ``migrate``). A form saved before its process declared an input, or whose
process gained one since, is reported by page, process and input; it keeps
working, but its process reads nothing for that input until an editor maps a
field to it.
"""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError

from . import process_inputs


@checks.register(checks.Tags.database)
def check_form_inputs(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    from .form_pages import ServiceFormPage

    messages: list[checks.CheckMessage] = []
    try:
        pages = list(ServiceFormPage.objects.live().exclude(process_key=""))
    except DatabaseError:  # not migrated yet: nothing to check
        return messages
    for page in pages:
        for missing in process_inputs.missing_inputs(page.all_fields(), page.process_key):
            messages.append(
                checks.Warning(
                    f"The online form “{page.title}” (page {page.pk}) provides no field for "
                    f"the input “{missing.name}” ({missing.label}) of the process "
                    f"“{page.process_key}”.",
                    hint="Map a field to the input in the page editor "
                    "(field setting “Provides the process input”).",
                    obj=page,
                    id="serviceportal.W001",
                )
            )
    return messages
