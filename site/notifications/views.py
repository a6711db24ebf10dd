from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .delivery import retry_failed
from .models import OutboxMessage


def retry_message(request, pk):
    """An administrator sends a failed or waiting message again (confirm, then POST)."""
    if not request.user.has_perm("notifications.change_outboxmessage"):
        raise PermissionDenied
    message = get_object_or_404(OutboxMessage, pk=pk)
    if request.method == "POST":
        retry_failed(message=message)
        messages.success(request, _("The e-mail is being sent again."))
        return redirect("notifications_outbox:index")
    return TemplateResponse(request, "notifications/retry_confirm.html", {"message": message})
