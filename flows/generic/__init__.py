"""The generic process: any editor-built form without a special process.

The responsible office's queue gets a task; a clerk claims it, answers the
applicant and closes the case. Every step is on the case's timeline.

The package: ``flow`` (chain, start, closing answer), ``forms`` (the answer step's
form).
"""

from .flow import GenericFlow, answer_and_close, start_generic
from .forms import Decision

__all__ = [
    "Decision",
    "GenericFlow",
    "answer_and_close",
    "start_generic",
]
