"""The civil-status certificate process: its typed data, its chain, its start."""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import jsonstore, this
from viewflow.workflow import flow, lock

from portal_site.accounts.models import User
from portal_site.cases import events
from portal_site.cases.models import Case, CaseStatus
from portal_site.cases.processes import case_of
from portal_site.cases.services import change_status, record
from portal_site.documents.services import file_pdf_document
from portal_site.notifications.email_texts import render_email_text, split_closing
from shop.models import Invoice
from shop.services import find_or_create_partner, issue_invoice

from ..case_process import CaseProcess
from ..paying import WaitForPayment, invoice_paid, register_payment_wait, storno_case
from ..steps import HumanTask, StepContext, decider, start_case_process
from .application import INPUTS, certificate_request, fee_items, partner_data
from .forms import (
    COMPLETE_CHOICES,
    ISSUABLE_CHOICES,
    NOT_ENTITLED,
    YES,
    CertificateNumberForm,
    CompleteForm,
    IssuableForm,
)
from .texts import (
    LETTER_COVER,
    MAIL_COMPLETED,
    MAIL_INCOMPLETE,
    MAIL_NOT_ENTITLED,
    MAIL_NOT_ON_RECORD,
    mail_applicant,
    register_texts,
)

logger = logging.getLogger(__name__)


PROCESS_KEY = "civil_status_certificate"


class CertificateProcess(CaseProcess):
    """The registry office's answers and the fee invoice of one certificate order."""

    complete = jsonstore.CharField(max_length=20, blank=True)
    missing = jsonstore.TextField(blank=True)
    issuable = jsonstore.CharField(max_length=20, blank=True)
    certificate_number = jsonstore.CharField(max_length=50, blank=True)
    invoice_id = jsonstore.IntegerField(null=True, blank=True)

    class Meta:
        proxy = True
        verbose_name = gettext_lazy("certificate process")
        verbose_name_plural = gettext_lazy("certificate processes")


class CivilStatusFlow(flow.Flow):
    """The seed's chain: each question a task, each answer a branch, each effect a node."""

    process_class = CertificateProcess
    lock_impl = lock.SelectForUpdateLock(nowait=False)
    process_title = gettext_lazy("Civil-status certificates")

    start = flow.StartHandle(this.start_case).Next(this.check_complete)

    # 1. Is the application complete? No: the applicant is told what is missing.
    check_complete = (
        HumanTask(CompleteForm, this.decide_complete, stage=gettext_lazy("Checking completeness"))
        .Annotation(title=gettext_lazy("Is the application complete?"))
        .Next(this.if_complete)
    )
    if_complete = (
        flow.If(lambda activation: activation.process.complete == YES)
        .Then(this.check_issuable)
        .Else(this.mail_incomplete)
    )
    mail_incomplete = flow.Function(this.tell_incomplete).Next(this.reject_incomplete)
    reject_incomplete = flow.Function(this.reject).Next(this.end_incomplete)

    # 2. Can the certificate be issued? yes / not entitled / not on record.
    check_issuable = (
        HumanTask(IssuableForm, this.decide_issuable, stage=gettext_lazy("In review"))
        .Annotation(title=gettext_lazy("Can the certificate be issued?"))
        .Next(this.which_answer)
    )
    which_answer = (
        flow.Switch()
        .Case(this.record_number, lambda a: a.process.issuable == YES)
        .Case(this.mail_not_entitled, lambda a: a.process.issuable == NOT_ENTITLED)
        .Default(this.mail_not_on_record)
    )
    mail_not_entitled = flow.Function(this.tell_not_entitled).Next(this.reject_refused)
    mail_not_on_record = flow.Function(this.tell_not_on_record).Next(this.reject_refused)
    reject_refused = flow.Function(this.reject).Next(this.end_refused)

    # 3. The certificate number, then the fee invoice, the payment and the cover letter.
    record_number = (
        HumanTask(
            CertificateNumberForm,
            this.store_certificate_number,
            submit_label=gettext_lazy("Save and send the fee invoice"),
            stage=gettext_lazy("The certificate is being prepared"),
        )
        .Annotation(title=gettext_lazy("Record the certificate number"))
        .Next(this.invoice)
    )
    invoice = flow.Function(this.issue_fee_invoice).Next(this.await_payment)
    await_payment = WaitForPayment().Next(this.if_paid)
    if_paid = flow.If(invoice_paid).Then(this.cover_letter).Else(this.storno)
    # Not paid by the final date: the dunning run cancelled the invoice (Storno).
    storno = flow.Function(storno_case).Next(this.end_cancelled)
    cover_letter = flow.Function(this.file_cover_letter).Next(this.mail_completed)
    mail_completed = flow.Function(this.tell_completed).Next(this.complete)
    complete = flow.Function(this.close_completed).Next(this.end)

    end = flow.End()
    end_incomplete = flow.End()
    end_refused = flow.End()
    end_cancelled = flow.End()

    def start_case(self, activation, case: Case, **kwargs):
        activation.process.start_for(case)
        return activation.process

    # -- the registry office's answers

    def decide_complete(self, context: StepContext, data: dict[str, Any]) -> str:
        decision = context.decide("complete", COMPLETE_CHOICES, data, missing=data.get("missing"))
        if decision == YES:
            return _("Recorded: the application is complete.")
        return _("The applicant has been told what is missing; the case is closed.")

    def decide_issuable(self, context: StepContext, data: dict[str, Any]) -> str:
        if context.decide("issuable", ISSUABLE_CHOICES, data) == YES:
            return _("Recorded: the certificate can be issued.")
        return _("The applicant has been told; the case is closed.")

    def store_certificate_number(self, context: StepContext, data: dict[str, Any]) -> str:
        number = data["certificate_number"].strip()
        case = Case.objects.select_for_update().get(pk=context.case.pk)
        case.data = {**case.data, "certificate_number": number}
        case.save(update_fields=["data", "updated_at"])
        record(
            case=case,
            actor=context.user,
            message=events.CERTIFICATE_NUMBER(number=number),
        )
        context.remember(certificate_number=number)
        return _("Certificate number recorded; the fee invoice is being sent to the applicant.")

    # -- effects

    def tell_incomplete(self, activation):
        missing = activation.process.missing or ""
        mail_applicant(activation.process.case, MAIL_INCOMPLETE, {"missing": missing})

    def tell_not_entitled(self, activation):
        mail_applicant(activation.process.case, MAIL_NOT_ENTITLED)

    def tell_not_on_record(self, activation):
        mail_applicant(activation.process.case, MAIL_NOT_ON_RECORD)

    def reject(self, activation):
        change_status(
            case=activation.process.case, status=CaseStatus.REJECTED, actor=decider(activation)
        )

    def tell_completed(self, activation):
        mail_applicant(activation.process.case, MAIL_COMPLETED)

    def close_completed(self, activation):
        change_status(case=activation.process.case, status=CaseStatus.COMPLETED)

    def issue_fee_invoice(self, activation):
        case = case_of(activation.process)
        kind, copies = certificate_request(case)
        invoice = issue_invoice(
            partner=find_or_create_partner(partner_data(case)),
            items=fee_items(copies),
            subject=_("%(count)d × %(kind)s, case %(number)s")
            % {"count": copies, "kind": kind, "number": case.number},
            case=case,
        )
        activation.process.invoice_id = invoice.pk
        activation.process.save(update_fields=["data"])
        change_status(case=case, status=CaseStatus.WAITING_FOR_PAYMENT)

    def file_cover_letter(self, activation):
        case = case_of(activation.process)
        invoice = Invoice.objects.select_related("partner").get(pk=activation.process.invoice_id)
        kind, copies = certificate_request(case)
        certificate_number = str(case.data.get("certificate_number", ""))
        _subject, letter = render_email_text(
            key=LETTER_COVER,
            values={
                "name": invoice.partner.greeting_name,
                "kind": kind,
                "copies": str(copies),
                "certificate_number": certificate_number,
                "reference": invoice.reference,
                "case_number": case.number,
            },
        )
        file_pdf_document(
            case=case,
            template_name="flows/civil_status/cover_letter.html",
            title=_("Cover letter"),
            filename=f"Begleitschreiben-{case.number}.pdf",
            context={
                "invoice": invoice,
                "kind": kind,
                "copies": copies,
                "certificate_number": certificate_number,
                # The details table goes between the text and "Mit freundlichen Grüßen".
                **dict(zip(("letter", "closing"), split_closing(letter), strict=True)),
            },
        )


def start_civil_status(*, case: Case, actor: User | None = None) -> object:
    return start_case_process(
        CivilStatusFlow, case=case, actor=actor, first_task=CivilStatusFlow.check_complete
    )


def register_civil_status() -> None:
    from portal_site.processes import register_process

    register_process(
        key=PROCESS_KEY,
        label=gettext_lazy("Civil-status certificates (registry office, fees, payment)"),
        start=start_civil_status,
        inputs=INPUTS,
    )
    register_payment_wait(CivilStatusFlow.await_payment)
    register_texts()
