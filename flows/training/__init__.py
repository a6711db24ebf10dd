"""Registration for internal training, the seed's first example.

1. The applicant's team lead (Sachgebietsleitung) recommends yes or no with a
   comment; the recommendation (Empfehlung) is filed with the case as a PDF.
2. The department head (Abteilungsleitung) decides; a rejection tells the
   employee and ends the case.
3. The employee is told that the supervisors agreed.
4. HR development decides: place / no / waiting list. The course row is locked
   while a place is given, so a course is never overbooked, even when two
   decisions are made at the same moment. The employee is told the result.
5. On the waiting list the case waits (a step of the chart): when a participant
   withdraws, the first on the list moves up and is told; one who withdraws
   from the list leaves it and the case ends.

Courses, their documents (table cards, attendance list, certificates) and the
statistics are in :mod:`flows.training.documents`.

The package: ``flow`` (typed data, chain, start, waiting list), ``forms`` (the steps'
forms), ``services`` (registrations, places), ``texts`` (e-mails, certificate),
``documents`` (table cards, attendance list, certificates, statistics), ``catalogue``
and ``admin_views`` (the course admin).
"""

from .flow import (
    PROCESS_KEY,
    SUPERVISOR_DEADLINE,
    TrainingFlow,
    TrainingProcess,
    cancel_participation,
    register_training,
    start_training,
)
from .services import CourseFull, confirmed_count, decide_place, participation_from_case

__all__ = [
    "CourseFull",
    "PROCESS_KEY",
    "SUPERVISOR_DEADLINE",
    "TrainingFlow",
    "TrainingProcess",
    "cancel_participation",
    "confirmed_count",
    "decide_place",
    "participation_from_case",
    "register_training",
    "start_training",
]
