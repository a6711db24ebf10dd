"""Civil-status certificates (Personenstandsurkunden), the seed's second example.

1. The registry office checks that the application is complete.
2. It decides whether the certificate can be issued: yes / not entitled /
   certificate not on record; each answer e-mails the applicant, the last two
   end the case.
3. It records the certificate number.
4. The fee invoice is issued automatically (booking key 300 for the first
   certificate, 301 for each further one), filed with the case and e-mailed.
5. The case waits for the payment (online, bank statement or cash office).
   Unpaid after the reminder's final date, the invoice is cancelled, the case
   is cancelled and the applicant's personal data is deleted (bookings stay).
6. Once paid, the cover letter (Begleitschreiben) is filed for printing with
   the certificates, the applicant is told, and the case ends.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import jsonstore, this
from viewflow.workflow import flow, lock

from portal_site.accounts.models import User
from portal_site.cases.models import Case, CaseStatus, TimelineEntry
from portal_site.cases.processes import case_of
from portal_site.cases.services import change_status, record
from portal_site.documents.services import file_pdf_document
from portal_site.notifications.email_texts import register_email_text, render_email_text
from portal_site.notifications.services import queue_email
from portal_site.processes import InputKind, ProcessInput, inputs_of
from shop.models import Invoice
from shop.services import FeeItem, PartnerData, find_or_create_partner, issue_invoice

from .generic import CaseProcess
from .paying import WaitForPayment, invoice_paid, register_payment_wait, storno_case
from .steps import HumanTask, StepContext, StepForm, decider, start_case_process

logger = logging.getLogger(__name__)

PROCESS_KEY = "civil_status_certificate"
FIRST_COPY_KEY = "300"
FURTHER_COPY_KEY = "301"
MAX_COPIES = 20

# The kinds of certificate the registry office issues.
KINDS = ("Geburtsurkunde", "Sterbeurkunde", "Eheurkunde", "Lebenspartnerschaftsurkunde")

# What the process reads from the application; the online form maps its fields to them.
INPUTS = (
    ProcessInput("urkundenart", gettext_lazy("Kind of certificate"), InputKind.CHOICE),
    ProcessInput("anzahl", gettext_lazy("Number of certificates"), InputKind.NUMBER),
    ProcessInput("name", gettext_lazy("Surname of the applicant")),
    ProcessInput("vorname", gettext_lazy("First name of the applicant"), required=False),
    ProcessInput("anrede", gettext_lazy("Salutation"), InputKind.CHOICE, required=False),
    ProcessInput("akademischer_grad", gettext_lazy("Academic title"), required=False),
    ProcessInput("strasse", gettext_lazy("Street and number"), required=False),
    ProcessInput("postleitzahl", gettext_lazy("Postcode"), required=False),
    ProcessInput("ort", gettext_lazy("Town"), required=False),
    ProcessInput("email", gettext_lazy("E-mail address"), InputKind.EMAIL, required=False),
)

MAIL_INCOMPLETE = "civil_status.incomplete"
MAIL_NOT_ENTITLED = "civil_status.not_entitled"
MAIL_NOT_ON_RECORD = "civil_status.not_on_record"
MAIL_COMPLETED = "civil_status.completed"
LETTER_COVER = "letter.civil_status.cover"


def certificate_request(case: Case) -> tuple[str, int]:
    """The kind of certificate and the number of copies the applicant asked for."""
    inputs = inputs_of(case)
    kind = str(inputs.get("urkundenart", ""))
    if kind not in KINDS:
        raise ValueError(_("The application names no known kind of certificate."))
    try:
        copies = int(str(inputs.get("anzahl", "1")).strip() or "1")
    except ValueError as exc:
        raise ValueError(_("The number of copies is not a whole number.")) from exc
    if not 1 <= copies <= MAX_COPIES:
        raise ValueError(
            _("The number of copies must be between 1 and %(max)d.") % {"max": MAX_COPIES}
        )
    return kind, copies


def fee_items(copies: int) -> list[FeeItem]:
    """The seed's rule: key 300 for the first certificate, 301 for each further one."""
    return [FeeItem(FIRST_COPY_KEY, 1), FeeItem(FURTHER_COPY_KEY, copies - 1)]


def partner_data(case: Case) -> PartnerData:
    inputs = inputs_of(case)

    def value(name: str) -> str:
        return str(inputs.get(name, "") or "")

    return PartnerData(
        salutation=value("anrede") if value("anrede") in ("Herr", "Frau") else "",
        academic_title=value("akademischer_grad"),
        first_name=value("vorname"),
        last_name=value("name") or case.applicant_name,
        street=value("strasse"),
        postcode=value("postleitzahl"),
        town=value("ort"),
        email=value("email") or case.applicant_email,
    )


def _mail_values(case: Case) -> dict[str, str]:
    kind = str(inputs_of(case).get("urkundenart", ""))
    return {
        "name": case.applicant_name,
        "case_number": case.number,
        "kind": kind,
        "certificate_number": str(case.data.get("certificate_number", "")),
    }


def _mail_applicant(case: Case, key: str, extra: dict[str, str] | None = None) -> None:
    if not case.applicant_email:
        return
    subject, body = render_email_text(key=key, values={**_mail_values(case), **(extra or {})})
    queue_email(to=[case.applicant_email], subject=subject, body=body, case=case)
    record(
        case=case,
        kind=TimelineEntry.Kind.MESSAGE,
        message=_("E-mail to the applicant: %(subject)s") % {"subject": subject},
        data={"subject": subject, "body": body},
    )


# -- the registry office's forms -----------------------------------------------

YES = "yes"
NO = "no"
NOT_ENTITLED = "not_entitled"
NOT_ON_RECORD = "not_on_record"

COMPLETE_CHOICES = [
    (YES, gettext_lazy("Yes, complete")),
    (NO, gettext_lazy("No, information is missing")),
]
ISSUABLE_CHOICES = [
    (YES, gettext_lazy("Yes")),
    (NOT_ENTITLED, gettext_lazy("Not entitled to apply")),
    (NOT_ON_RECORD, gettext_lazy("Certificate not on record")),
]


class CompleteForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Is the application complete?"),
        choices=COMPLETE_CHOICES,
        widget=forms.RadioSelect,
    )
    missing = forms.CharField(
        label=gettext_lazy("What is missing (goes to the applicant)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    comment = forms.CharField(label=gettext_lazy("Comment (internal)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == NO and not data.get("missing", "").strip():
            self.add_error("missing", _("Please say what is missing."))
        return data


class IssuableForm(StepForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Can the certificate be issued?"),
        choices=ISSUABLE_CHOICES,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=gettext_lazy("Comment (internal)"), required=False)


class CertificateNumberForm(StepForm):
    certificate_number = forms.CharField(label=gettext_lazy("Certificate number"), max_length=50)

    def clean(self):
        data = super().clean()
        try:
            certificate_request(self.case)  # the fee needs a valid number of copies
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


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
        HumanTask(CompleteForm, this.decide_complete)
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
        HumanTask(IssuableForm, this.decide_issuable)
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
            kind=TimelineEntry.Kind.DECISION,
            actor=context.user,
            message=_("Certificate number recorded: %(number)s") % {"number": number},
        )
        context.remember(certificate_number=number)
        return _("Certificate number recorded; the fee invoice is being sent to the applicant.")

    # -- effects

    def tell_incomplete(self, activation):
        missing = activation.process.missing or ""
        _mail_applicant(activation.process.case, MAIL_INCOMPLETE, {"missing": missing})

    def tell_not_entitled(self, activation):
        _mail_applicant(activation.process.case, MAIL_NOT_ENTITLED)

    def tell_not_on_record(self, activation):
        _mail_applicant(activation.process.case, MAIL_NOT_ON_RECORD)

    def reject(self, activation):
        change_status(
            case=activation.process.case, status=CaseStatus.REJECTED, actor=decider(activation)
        )

    def tell_completed(self, activation):
        _mail_applicant(activation.process.case, MAIL_COMPLETED)

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
                "name": invoice.partner.display_name,
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
                "letter": letter,
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
    _register_texts()


def _register_texts() -> None:
    register_email_text(
        key=LETTER_COVER,
        name="Brieftext: Begleitschreiben Personenstandsurkunden",
        subject="Ihre Anforderung von Personenstandsurkunden",
        body=(
            "Guten Tag,\n\n"
            "wir übersenden Ihnen die gewünschten Urkunden: {copies} × {kind}, "
            "Urkunden-Nr. {certificate_number}. Die Gebühren zum Kassenzeichen {reference} "
            "sind bezahlt.\n\n"
            "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
        ),
        placeholders=(
            "name",
            "kind",
            "copies",
            "certificate_number",
            "reference",
            "case_number",
        ),
    )
    placeholders = ("name", "case_number", "kind", "certificate_number", "missing")
    register_email_text(
        key=MAIL_INCOMPLETE,
        name="Personenstandsurkunde: Antrag unvollständig",
        subject="Ihr Antrag {case_number}: Angaben fehlen",
        body=(
            "Guten Tag {name},\n\n"
            "Ihr Antrag auf eine {kind} ({case_number}) ist leider nicht vollständig:\n"
            "{missing}\n\n"
            "Bitte stellen Sie den Antrag mit den fehlenden Angaben neu.\n\n"
            "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
        ),
        placeholders=placeholders,
    )
    register_email_text(
        key=MAIL_NOT_ENTITLED,
        name="Personenstandsurkunde: keine Antragsberechtigung",
        subject="Ihr Antrag {case_number}: keine Berechtigung",
        body=(
            "Guten Tag {name},\n\n"
            "nach Prüfung Ihres Antrags {case_number} können wir Ihnen die gewünschte {kind} "
            "leider nicht ausstellen: Sie sind nicht berechtigt, diese Urkunde anzufordern "
            "(§ 62 Personenstandsgesetz). Gebühren fallen nicht an.\n\n"
            "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
        ),
        placeholders=placeholders,
    )
    register_email_text(
        key=MAIL_NOT_ON_RECORD,
        name="Personenstandsurkunde: Urkunde nicht vorhanden",
        subject="Ihr Antrag {case_number}: kein Eintrag vorhanden",
        body=(
            "Guten Tag {name},\n\n"
            "zu Ihrem Antrag {case_number} liegt beim Standesamt Kassel kein Eintrag vor, aus "
            "dem die gewünschte {kind} ausgestellt werden könnte. Bitte wenden Sie sich an das "
            "Standesamt des Ereignisortes. Gebühren fallen nicht an.\n\n"
            "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
        ),
        placeholders=placeholders,
    )
    register_email_text(
        key=MAIL_COMPLETED,
        name="Personenstandsurkunde: Urkunden versandt",
        subject="Ihre Urkunden zum Antrag {case_number}",
        body=(
            "Guten Tag {name},\n\n"
            "vielen Dank für Ihre Zahlung. Ihre {kind} (Urkunden-Nr. {certificate_number}) "
            "geht Ihnen in den nächsten Tagen mit der Post zu.\n\n"
            "Mit freundlichen Grüßen\nIhr Standesamt Kassel"
        ),
        placeholders=placeholders,
    )
