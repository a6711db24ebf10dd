"""Waiting for a fee, and the Storno: the steps a process takes between its invoice and its end.

A process that charges a fee keeps the invoice on its typed field ``invoice_id``
and declares the money chain as steps of its own chart::

    invoice = flow.Function(this.issue_fee_invoice).Next(this.await_payment)
    await_payment = WaitForPayment().Next(this.if_paid)
    if_paid = flow.If(invoice_paid).Then(this.cover_letter).Else(this.storno)
    storno = flow.Function(storno_case).Next(this.end_cancelled)

``WaitForPayment`` is done when the invoice is settled: paid in full, or
cancelled for non-payment by the dunning run. The money module says so with an
explicit call through the kernel's process port
(:func:`portal_site.processes.invoice_settled`); if continuing fails then, the
payment or Storno stays booked and the periodic job ``flows.settle_payment_waits``
continues the process on its next run. What a Storno means for the case (it is
cancelled, the applicant's personal data deleted, the partner record too once
nothing else of theirs is open) is the ``storno`` step, in the chart.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext_lazy
from viewflow.workflow import flow
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from portal_site.cases.erasure import erase_personal_data
from portal_site.cases.models import CaseStatus
from portal_site.cases.processes import case_of, of_cases
from portal_site.cases.services import change_status
from portal_site.registry import Registry
from shop.models import Invoice
from shop.services import erase_partner_if_unused

logger = logging.getLogger(__name__)

SETTLED = (Invoice.Status.PAID, Invoice.Status.CANCELLED)


class WaitForPayment(flow.Handle):
    """Waits until the process's invoice is paid or cancelled (a Storno); shared by every
    process that charges a fee."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.Annotation(title=gettext_lazy("Wait for the payment"))


_WAITS: Registry[str, WaitForPayment] = Registry("payment waits")


def register_payment_wait(node: WaitForPayment) -> None:
    """Make the wait of a process known to the money module's calls and the periodic job."""
    _WAITS.register(f"{node.flow_class.__module__}.{node.flow_class.__name__}.{node.name}", node)


def invoice_paid(activation) -> bool:
    """The branch after the wait: paid (go on) or cancelled (the Storno step)."""
    return Invoice.objects.filter(
        pk=activation.process.invoice_id, status=Invoice.Status.PAID
    ).exists()


def storno_case(activation) -> None:
    """The invoice was cancelled for non-payment: the case is cancelled and the applicant's
    personal data deleted (the bookings stay, without the payer's name)."""
    invoice = Invoice.objects.select_related("partner").get(pk=activation.process.invoice_id)
    case = case_of(activation.process)
    reason = invoice.cancel_reason
    change_status(case=case, status=CaseStatus.CANCELLED, reason=reason)
    erase_personal_data(case=case, reason=reason)
    erase_partner_if_unused(invoice.partner)


def waiting_tasks(*, case_id: int | None = None):
    """Open waits for a payment (of one case, or all)."""
    tasks = Task.objects.filter(flow_task__in=_WAITS.values(), status=STATUS.NEW)
    if case_id is not None:
        tasks = tasks.filter(of_cases(case_id))
    return tasks.select_related("process")


def _continue(task: Task) -> bool:
    """Run the wait's node; a failure waits for the next periodic run."""
    try:
        with transaction.atomic():
            task.flow_task.run(task)
    except Exception:  # the payment or Storno stays booked; settle_payment_waits() retries
        logger.exception("Could not continue case process %s after its invoice", task.process_id)
        return False
    return True


def _settled(task: Task) -> bool:
    invoice_id = task.process.data.get("invoice_id")
    return Invoice.objects.filter(pk=invoice_id, status__in=SETTLED).exists()


def continue_after_invoice(*, case_id: int, invoice_id: int) -> bool:
    """The money module's call: the invoice of ``case_id`` is paid or cancelled."""
    for task in waiting_tasks(case_id=case_id):
        if task.process.data.get("invoice_id") == invoice_id and _settled(task):
            return _continue(task)
    return False


def settle_payment_waits() -> int:
    """Periodic job: processes whose invoice is settled but that still wait."""
    return sum(_continue(task) for task in waiting_tasks() if _settled(task))


def connect() -> None:
    from portal_site.core.periodic import register_periodic
    from portal_site.processes import register_invoice_listener

    register_invoice_listener(continue_after_invoice)
    register_periodic("flows.settle_payment_waits", settle_payment_waits)
