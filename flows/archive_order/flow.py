"""The archive order process: its typed data, its chain, its start."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import jsonstore, this
from viewflow.workflow import flow, lock

from portal_site.accounts.models import User
from portal_site.cases.models import Case, CaseStatus
from portal_site.cases.processes import case_id_of, case_of
from portal_site.cases.services import change_status, notify_applicant
from portal_site.notifications.email_texts import render_email_text
from shop.models import Order
from shop.orders import ORDER_PROCESS, cancel_orders, deliver_order, order_fee_items, order_summary
from shop.services import issue_invoice
from shop.texts import ORDER_RECEIVED_MAIL, ORDER_REJECTED_MAIL

from ..case_process import CaseProcess
from ..paying import WaitForPayment, invoice_paid, register_payment_wait, storno_case
from ..steps import HumanTask, StepContext, decider, start_case_process
from .forms import APPROVAL_CHOICES, APPROVE, ApprovalForm


def _order(case_id: int) -> Order:
    return Order.objects.select_related("case", "partner").get(case_id=case_id)


def _mail(order: Order, key: str, **extra: str) -> None:
    values = {"name": order.partner.greeting_name, "case_number": order.case.number, **extra}
    subject, body = render_email_text(key=key, values=values)
    notify_applicant(case=order.case, subject=subject, body=body, to=order.email)


class ArchiveOrderProcess(CaseProcess):
    """Whether the archive approves the order's use, and the order's invoice."""

    needs_approval = jsonstore.BooleanField(default=False)
    approved = jsonstore.CharField(max_length=20, blank=True)
    reason = jsonstore.TextField(blank=True)
    invoice_id = jsonstore.IntegerField(null=True, blank=True)

    class Meta:
        proxy = True
        verbose_name = gettext_lazy("archive order process")
        verbose_name_plural = gettext_lazy("archive order processes")


class ArchiveOrderFlow(flow.Flow):
    process_class = ArchiveOrderProcess
    lock_impl = lock.SelectForUpdateLock(nowait=False)
    process_title = gettext_lazy("Archive order")

    start = flow.StartHandle(this.start_case).Next(this.if_approval)
    if_approval = (
        flow.If(lambda activation: activation.process.needs_approval)
        .Then(this.approve)
        .Else(this.invoice)
    )
    approve = (
        HumanTask(
            ApprovalForm,
            this.decide_approval,
            submit_label=gettext_lazy("Save decision"),
            stage=gettext_lazy("In review"),
        )
        .Annotation(title=gettext_lazy("Approve the order for its intended use"))
        .Next(this.if_approved)
    )
    if_approved = (
        flow.If(lambda activation: activation.process.approved == APPROVE)
        .Then(this.invoice)
        .Else(this.reject)
    )
    reject = flow.Function(this.reject_order).Next(this.end_rejected)
    invoice = flow.Function(this.issue_fee_invoice).Next(this.await_payment)
    await_payment = WaitForPayment().Next(this.if_paid)
    if_paid = flow.If(invoice_paid).Then(this.deliver).Else(this.cancel_order)
    deliver = flow.Function(this.deliver_files).Next(this.end)
    # Not paid by the final date: the dunning run cancelled the invoice (Storno).
    cancel_order = flow.Function(this.cancel_unpaid_order).Next(this.storno)
    storno = flow.Function(storno_case).Next(this.end_cancelled)
    end = flow.End()
    end_rejected = flow.End()
    end_cancelled = flow.End()

    def start_case(self, activation, case: Case, **kwargs):
        order = _order(case.pk)
        activation.process.start_for(case)
        activation.process.needs_approval = order.status == Order.Status.AWAITING_APPROVAL
        return activation.process

    def decide_approval(self, context: StepContext, data: dict[str, Any]) -> str:
        if context.decide("approved", APPROVAL_CHOICES, data, reason=data.get("reason")) == APPROVE:
            return _("The order is approved; the invoice goes to the customer.")
        return _("The order is rejected; the customer has been told.")

    def reject_order(self, activation):
        order = _order(case_id_of(activation.process))
        order.status = Order.Status.REJECTED
        order.save(update_fields=["status"])
        _mail(order, ORDER_REJECTED_MAIL, reason=activation.process.reason or "")
        change_status(case=order.case, status=CaseStatus.REJECTED, actor=decider(activation))

    def issue_fee_invoice(self, activation):
        order = _order(case_id_of(activation.process))
        invoice = issue_invoice(
            partner=order.partner,
            items=order_fee_items(order),
            subject=_("Archive order %(number)s: %(items)s")
            % {"number": order.case.number, "items": order_summary(order)},
            case=order.case,
        )
        order.invoice = invoice
        order.status = Order.Status.AWAITING_PAYMENT
        order.save(update_fields=["invoice", "status"])
        activation.process.invoice_id = invoice.pk
        activation.process.save(update_fields=["data"])
        change_status(case=order.case, status=CaseStatus.WAITING_FOR_PAYMENT)

    def cancel_unpaid_order(self, activation):
        cancel_orders(case=case_of(activation.process))

    def deliver_files(self, activation):
        order = _order(case_id_of(activation.process))
        deliver_order(order)
        change_status(case=order.case, status=CaseStatus.COMPLETED)


def start_archive_order(*, case: Case, actor: User | None = None) -> object:
    order = _order(case.pk)
    if order.status == Order.Status.AWAITING_APPROVAL:
        _mail(order, ORDER_RECEIVED_MAIL)
        return start_case_process(
            ArchiveOrderFlow, case=case, actor=actor, first_task=ArchiveOrderFlow.approve
        )
    return start_case_process(ArchiveOrderFlow, case=case, actor=actor)


def register_archive_order() -> None:
    from portal_site.processes import register_process

    register_process(
        key=ORDER_PROCESS,
        label=gettext_lazy("Archive order (approval, invoice, payment, download)"),
        start=start_archive_order,
    )
    register_payment_wait(ArchiveOrderFlow.await_payment)
