"""One step's effects in a savepoint (:func:`acting`): if they fail unexpectedly, what
the step did is undone and the case waits in the error state with the reason (the
clerk's action that led there still counts), instead of the whole request failing."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext as _

from . import effects
from .definition import DefinitionError

logger = logging.getLogger(__name__)


@contextmanager
def acting(step: dict):
    try:
        with transaction.atomic():
            yield
    except (DefinitionError, effects.StepFailed):
        raise
    except Exception as error:  # noqa: BLE001 - any failure of a step: error state, logged
        logger.exception("Designed step %s failed", step.get("id"))
        raise DefinitionError(
            _("The step “%(id)s” failed: %(error)s") % {"id": step.get("id"), "error": error}
        ) from error
