"""Case statistics for the dashboard: open, overdue and finished cases over time.

Every figure counts the cases the user may see (the one access policy), optionally
of one office and one process. The months' figures come from one statement with
conditional counts (a single pass over the cases, whatever the number of months),
the table per office and process from one grouped statement.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal_site.accounts.models import User
from portal_site.cases.access import visible_cases
from portal_site.cases.models import OPEN_STATUSES, Case

MONTHS = 12
CLOSED = Q(closed_at__isnull=False) & ~Q(status__in=OPEN_STATUSES)


@dataclass(frozen=True)
class Month:
    first: date
    received: int
    finished: int
    open: int
    overdue: int


@dataclass
class Statistics:
    months: list[Month]
    rows: list[dict] = field(default_factory=list)  # per office and process, as of today


def _month_starts(today: date, count: int) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _i in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _end_of(first: date, today: date) -> datetime:
    """The month's last moment (today's for the running month), in local time."""
    last = min(
        date(first.year, first.month, calendar.monthrange(first.year, first.month)[1]), today
    )
    return timezone.make_aware(datetime.combine(last, time.max))


def _start_of(first: date) -> datetime:
    return timezone.make_aware(datetime.combine(first, time.min))


def _open_at(moment: datetime) -> Q:
    return Q(received_at__lte=moment) & (
        Q(closed_at__isnull=True, status__in=OPEN_STATUSES) | Q(closed_at__gt=moment)
    )


def cases_for(*, user: User, office_id: int | None = None, process_key: str = "") -> QuerySet[Case]:
    cases = visible_cases(user=user)
    if office_id:
        cases = cases.filter(office_id=office_id)
    if process_key:
        cases = cases.filter(process_key=process_key)
    return cases


def monthly(
    cases: QuerySet[Case], *, today: date | None = None, months: int = MONTHS
) -> list[Month]:
    """Per month: cases received, finished, open at its end and overdue at its end."""
    today = today or timezone.localdate()
    figures = {}
    starts = _month_starts(today, months)
    for index, first in enumerate(starts):
        start, end = _start_of(first), _end_of(first, today)
        figures[f"r{index}"] = Count("pk", filter=Q(received_at__gte=start, received_at__lte=end))
        figures[f"f{index}"] = Count(
            "pk", filter=CLOSED & Q(closed_at__gte=start, closed_at__lte=end)
        )
        figures[f"o{index}"] = Count("pk", filter=_open_at(end))
        figures[f"d{index}"] = Count("pk", filter=_open_at(end) & Q(due_date__lt=end.date()))
    counted = cases.order_by().aggregate(**figures)
    return [
        Month(
            first=first,
            received=counted[f"r{index}"],
            finished=counted[f"f{index}"],
            open=counted[f"o{index}"],
            overdue=counted[f"d{index}"],
        )
        for index, first in enumerate(starts)
    ]


def by_office_and_process(cases: QuerySet[Case], *, today: date | None = None) -> list[dict]:
    """Today's open and overdue cases and those finished in the last 30 days, per office
    and process (rows with office name and process key)."""
    today = today or timezone.localdate()
    since = timezone.make_aware(datetime.combine(today, time.min)) - timedelta(days=30)
    open_now = Q(status__in=OPEN_STATUSES)
    return list(
        cases.order_by()
        .values("office__name", "office__short_name", "process_key")
        .annotate(
            open=Count("pk", filter=open_now),
            overdue=Count("pk", filter=open_now & Q(due_date__lt=today)),
            finished=Count("pk", filter=CLOSED & Q(closed_at__gte=since)),
        )
        .filter(Q(open__gt=0) | Q(finished__gt=0))
        .order_by("office__name", "process_key")
    )


def statistics_for(
    *, user: User, office_id: int | None = None, process_key: str = "", today: date | None = None
) -> Statistics:
    cases = cases_for(user=user, office_id=office_id, process_key=process_key)
    return Statistics(
        months=monthly(cases, today=today), rows=by_office_and_process(cases, today=today)
    )


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str
    points: str  # the polyline's "x,y x,y …"
    values: list[int]


def chart(months: list[Month], labels: dict[str, str], *, width: int = 720, height: int = 240):
    """The months as lines of an SVG chart (coordinates computed here, drawn by the
    template): open, overdue and finished cases."""
    colours = {"open": "#005a9c", "overdue": "#b3261e", "finished": "#2e7d32"}
    top = max([1, *(getattr(m, key) for m in months for key in colours)])
    left, bottom, right, head = 40, 30, 24, 10
    step = (width - left - right) / max(1, len(months) - 1)

    def y(value: int) -> str:  # coordinates as text: a template would localise "12,5"
        return f"{head + (height - head - bottom) * (1 - value / top):.1f}"

    def x(index: int) -> str:
        return f"{left + index * step:.1f}"

    series = []
    for key, colour in colours.items():
        values = [getattr(month, key) for month in months]
        points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values))
        series.append(Series(key, labels[key], colour, points, values))
    ticks = sorted({0, top // 2, top})
    return {
        "width": width,
        "height": height,
        "series": series,
        "ticks": [{"value": t, "y": y(t)} for t in ticks],
        "x_labels": [{"x": x(i), "label": f"{m.first:%m/%y}"} for i, m in enumerate(months)],
        "left": str(left),
        "label_x": str(left - 6),
        "label_y": str(height - 10),
        "right": str(width - right),
    }
