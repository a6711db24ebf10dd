"""Processes that wait for a fee: the shared link between the money module and the flows.

A process waits for its invoice in a viewflow ``Handle`` node registered here
(``register_payment_wait``) and keeps ``invoice_id`` in ``process.data``. When
the invoice is paid (``shop.signals.invoice_paid``) the node is run and the
process moves on; if that fails, the payment stays booked and the periodic job
``flows.continue_paid_cases`` retries. When an unpaid invoice is cancelled for
non-payment (Storno), the waiting process ends, the case is cancelled and the
applicant's personal data is deleted; the bookings stay.
"""

from __future__ import annotations

import logging

from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.cases.erasure import erase_personal_data
from portal_site.cases.models import CaseStatus
from portal_site.cases.processes import case_of, of_cases
from portal_site.cases.services import change_status
from shop import signals as shop_signals
from shop.models import Invoice
from shop.services import erase_partner_if_unused

logger = logging.getLogger(__name__)

_NODES: list = []


def register_payment_wait(node) -> None:
    if node not in _NODES:
        _NODES.append(node)


def waiting_task(invoice: Invoice) -> Task | None:
    if not invoice.case_id:
        return None
    for node in _NODES:
        task = (
            Task.objects.filter(of_cases(invoice.case_id), flow_task=node, status=STATUS.NEW)
            .select_related("process")
            .first()
        )
        if task is not None and task.process.data.get("invoice_id") == invoice.pk:
            return task
    return None


def _continue(task: Task) -> bool:
    """Run the waiting node; a failure waits for the next periodic run."""
    try:
        with transaction.atomic():
            task.flow_task.run(task)
    except Exception:  # the payment stays booked; continue_paid_cases() retries
        logger.exception("Could not continue case process %s after payment", task.process_id)
        return False
    return True


def on_invoice_paid(sender, invoice: Invoice, actor=None, **kwargs) -> None:
    task = waiting_task(invoice)
    if task is not None:
        _continue(task)


def continue_paid_cases() -> int:
    """Periodic job: cases whose invoice is paid but whose process still waits."""
    done = 0
    for node in _NODES:
        for task in Task.objects.filter(flow_task=node, status=STATUS.NEW).select_related(
            "process"
        ):
            invoice_id = task.process.data.get("invoice_id")
            if Invoice.objects.filter(pk=invoice_id, status=Invoice.Status.PAID).exists():
                done += _continue(task)
    return done


def on_invoice_cancelled(
    sender, invoice: Invoice, actor=None, reason: str = "", erase: bool = True, **kwargs
) -> None:
    """Storno for non-payment: the process ends, the case is cancelled, personal data deleted."""
    task = waiting_task(invoice)
    if task is None or not erase:
        return
    with transaction.atomic():
        with task.activation() as activation:
            if activation.task.status == STATUS.NEW:
                activation.cancel()
            process = activation.process
            process.status = STATUS.CANCELED
            process.save(update_fields=["status"])
        case = case_of(task.process)
        change_status(case=case, status=CaseStatus.CANCELLED, actor=actor, reason=reason)
        erase_personal_data(case=case, actor=actor, reason=reason)
        erase_partner_if_unused(invoice.partner)


def connect() -> None:
    from portal_site.core.periodic import register_periodic

    shop_signals.invoice_paid.connect(on_invoice_paid, dispatch_uid="flows_invoice_paid")
    shop_signals.invoice_cancelled.connect(
        on_invoice_cancelled, dispatch_uid="flows_invoice_cancelled"
    )
    register_periodic("flows.continue_paid_cases", continue_paid_cases)
