"""E-mail and letter texts of the money module; editors change them under "E-Mail-Texte"."""

from __future__ import annotations

from portal_site.notifications.email_texts import register_email_text

INVOICE_MAIL = "shop.invoice"
INVOICE_LETTER = "shop.invoice_letter"
REMINDER_MAIL = "shop.reminder"
CANCELLED_MAIL = "shop.cancelled"
PAYMENT_RECEIVED_MAIL = "shop.payment_received"
# The same texts for an archive order: a customer orders, they do not apply
# ("Ihre Bestellung", not "Ihr Antrag"). ``text_for`` picks the variant.
ORDER_VARIANTS = {
    INVOICE_MAIL: "shop.order_invoice",
    INVOICE_LETTER: "shop.order_invoice_letter",
    REMINDER_MAIL: "shop.order_reminder",
    CANCELLED_MAIL: "shop.order_cancelled",
    PAYMENT_RECEIVED_MAIL: "shop.order_payment_received",
}


def text_keys(invoice, *keys: str) -> tuple[str, ...]:
    """The keys of these texts for this invoice (one lookup for all of them): the order
    wording for an archive order, else the keys as given."""
    from .models import Order

    # By the case: the order exists before its invoice is issued.
    is_order = bool(invoice.case_id) and Order.objects.filter(case_id=invoice.case_id).exists()
    return tuple(ORDER_VARIANTS.get(key, key) if is_order else key for key in keys)


def text_for(key: str, invoice) -> str:
    """The key of ``key``'s text for this invoice: the order wording for an archive order."""
    if key not in ORDER_VARIANTS:
        return key
    (chosen,) = text_keys(invoice, key)
    return chosen


_INVOICE_PLACEHOLDERS = (
    "name",
    "salutation",
    "amount",
    "open_amount",
    "due_date",
    "final_due_date",
    "reference",
    "case_number",
    "subject",
    "pay_url",
    "cash_office",
    "iban",
)


def register_texts() -> None:
    # The defaults are German: the city's language. Editors may rewrite them.
    register_email_text(
        key=INVOICE_MAIL,
        name="Gebührenrechnung (E-Mail)",
        subject="Ihre Gebührenrechnung {reference} zum Vorgang {case_number}",
        body=(
            "Guten Tag {name},\n\n"
            "anbei erhalten Sie die Gebührenrechnung zu Ihrem Antrag {case_number} über "
            "{amount}.\n\n"
            "Bitte bezahlen Sie bis zum {due_date} online unter\n{pay_url}\n"
            "oder überweisen Sie den Betrag an die {cash_office} (IBAN {iban}). "
            "Als Verwendungszweck geben Sie bitte das Kassenzeichen {reference} an.\n\n"
            "Mit freundlichen Grüßen\nIhre Stadtverwaltung Kassel"
        ),
        placeholders=_INVOICE_PLACEHOLDERS,
    )
    register_email_text(
        key=INVOICE_LETTER,
        name="Gebührenrechnung (Brieftext im PDF)",
        subject="Gebührenrechnung",
        body=(
            "Guten Tag,\n\n"
            "für Ihren Antrag {case_number} berechnen wir die folgenden Gebühren. "
            "Bitte überweisen Sie die Gebühren in Höhe von {amount} bis zum {due_date} an die "
            "{cash_office}. Als Verwendungszweck geben Sie bitte das Kassenzeichen {reference} "
            "an. Sie können auch online bezahlen: {pay_url}"
        ),
        placeholders=_INVOICE_PLACEHOLDERS,
    )
    register_email_text(
        key=REMINDER_MAIL,
        name="Zahlungserinnerung",
        subject="Zahlungserinnerung: Kassenzeichen {reference}",
        body=(
            "Guten Tag {name},\n\n"
            "zu Ihrer Gebührenrechnung {reference} über {amount} ist bis heute kein "
            "vollständiger Zahlungseingang festzustellen (offen: {open_amount}).\n"
            "Bitte bezahlen Sie bis zum {final_due_date}: {pay_url}\n\n"
            "Geht die Zahlung bis dahin nicht ein, wird Ihr Antrag {case_number} storniert "
            "und Ihre Angaben werden gelöscht.\n\n"
            "Mit freundlichen Grüßen\nIhre Stadtverwaltung Kassel"
        ),
        placeholders=_INVOICE_PLACEHOLDERS,
    )
    register_email_text(
        key=CANCELLED_MAIL,
        name="Storno wegen Nichtzahlung",
        subject="Ihr Antrag {case_number} wurde storniert",
        body=(
            "Guten Tag {name},\n\n"
            "da die Gebühren zum Kassenzeichen {reference} nicht bezahlt wurden, haben wir "
            "Ihren Antrag {case_number} storniert. Ihre persönlichen Angaben werden gelöscht.\n"
            "Sie können jederzeit einen neuen Antrag stellen.\n\n"
            "Mit freundlichen Grüßen\nIhre Stadtverwaltung Kassel"
        ),
        placeholders=_INVOICE_PLACEHOLDERS,
    )
    register_email_text(
        key=PAYMENT_RECEIVED_MAIL,
        name="Zahlungseingang bestätigt",
        subject="Zahlung erhalten: Kassenzeichen {reference}",
        body=(
            "Guten Tag {name},\n\n"
            "vielen Dank: Ihre Zahlung über {amount} zum Kassenzeichen {reference} ist "
            "eingegangen. Wir bearbeiten Ihren Antrag {case_number} jetzt weiter.\n\n"
            "Mit freundlichen Grüßen\nIhre Stadtverwaltung Kassel"
        ),
        placeholders=_INVOICE_PLACEHOLDERS,
    )

    _register_order_texts()


def _register_order_texts() -> None:
    register_email_text(
        key=ORDER_VARIANTS[INVOICE_MAIL],
        name="Rechnung zur Archivbestellung (E-Mail)",
        subject="Ihre Rechnung {reference} zur Bestellung {case_number}",
        body=(
            "Guten Tag {name},\n\n"
            "anbei erhalten Sie die Rechnung zu Ihrer Bestellung {case_number} über "
            "{amount}.\n\n"
            "Bitte bezahlen Sie bis zum {due_date} online unter\n{pay_url}\n"
            "oder überweisen Sie den Betrag an die {cash_office} (IBAN {iban}). "
            "Als Verwendungszweck geben Sie bitte das Kassenzeichen {reference} an. "
            "Nach dem Zahlungseingang erhalten Sie die Dateien per E-Mail.\n\n"
            "Mit freundlichen Grüßen\nIhre Stadtverwaltung Kassel"
        ),
        placeholders=_INVOICE_PLACEHOLDERS,
    )
    register_email_text(
        key=ORDER_VARIANTS[INVOICE_LETTER],
        name="Rechnung zur Archivbestellung (Brieftext im PDF)",
        subject="Rechnung",
        body=(
            "Guten Tag,\n\n"
            "für Ihre Bestellung {case_number} berechnen wir die folgenden Gebühren. "
            "Bitte überweisen Sie den Betrag von {amount} bis zum {due_date} an die "
            "{cash_office}. Als Verwendungszweck geben Sie bitte das Kassenzeichen {reference} "
            "an. Sie können auch online bezahlen: {pay_url}"
        ),
        placeholders=_INVOICE_PLACEHOLDERS,
    )
    register_email_text(
        key=ORDER_VARIANTS[REMINDER_MAIL],
        name="Zahlungserinnerung zur Archivbestellung",
        subject="Zahlungserinnerung: Kassenzeichen {reference}",
        body=(
            "Guten Tag {name},\n\n"
            "zu Ihrer Rechnung {reference} über {amount} ist bis heute kein "
            "vollständiger Zahlungseingang festzustellen (offen: {open_amount}).\n"
            "Bitte bezahlen Sie bis zum {final_due_date}: {pay_url}\n\n"
            "Geht die Zahlung bis dahin nicht ein, wird Ihre Bestellung {case_number} storniert "
            "und Ihre Angaben werden gelöscht.\n\n"
            "Mit freundlichen Grüßen\nIhre Stadtverwaltung Kassel"
        ),
        placeholders=_INVOICE_PLACEHOLDERS,
    )
    register_email_text(
        key=ORDER_VARIANTS[CANCELLED_MAIL],
        name="Storno der Archivbestellung wegen Nichtzahlung",
        subject="Ihre Bestellung {case_number} wurde storniert",
        body=(
            "Guten Tag {name},\n\n"
            "da die Rechnung zum Kassenzeichen {reference} nicht bezahlt wurde, haben wir "
            "Ihre Bestellung {case_number} storniert. Ihre persönlichen Angaben werden "
            "gelöscht.\nSie können die Bilder jederzeit neu bestellen.\n\n"
            "Mit freundlichen Grüßen\nIhre Stadtverwaltung Kassel"
        ),
        placeholders=_INVOICE_PLACEHOLDERS,
    )
    register_email_text(
        key=ORDER_VARIANTS[PAYMENT_RECEIVED_MAIL],
        name="Zahlungseingang zur Archivbestellung bestätigt",
        subject="Zahlung erhalten: Kassenzeichen {reference}",
        body=(
            "Guten Tag {name},\n\n"
            "vielen Dank: Ihre Zahlung über {amount} zum Kassenzeichen {reference} ist "
            "eingegangen. Wir stellen Ihnen die Dateien Ihrer Bestellung {case_number} "
            "jetzt bereit.\n\n"
            "Mit freundlichen Grüßen\nIhre Stadtverwaltung Kassel"
        ),
        placeholders=_INVOICE_PLACEHOLDERS,
    )


DELIVERY_MAIL = "shop.archive_delivery"
ORDER_REJECTED_MAIL = "shop.archive_rejected"
ORDER_RECEIVED_MAIL = "shop.archive_received"
PERMISSION_LETTER = "letter.archive.permission"


def register_archive_texts() -> None:
    register_email_text(
        key=PERMISSION_LETTER,
        name="Brieftext: Nutzungsgenehmigung",
        subject="Nutzungsgenehmigung",
        body=(
            "Das Stadtarchiv Kassel genehmigt {name} die Nutzung der folgenden Fotografien im "
            "genannten Umfang. Die Gebühren sind bezahlt. Die Dateien stehen bis zum "
            "{valid_until} zum Herunterladen bereit.\n\n"
            "Bei jeder Veröffentlichung ist als Quelle anzugeben: „Stadtarchiv Kassel, Signatur "
            "…“. Die Genehmigung ist nicht übertragbar."
        ),
        placeholders=("name", "case_number", "valid_until"),
    )
    placeholders = ("name", "case_number", "links", "valid_until", "downloads", "amount", "reason")
    register_email_text(
        key=DELIVERY_MAIL,
        name="Archivbestellung: Nutzungsgenehmigung und Downloads",
        subject="Ihre Bestellung {case_number}: Dateien zum Herunterladen",
        body=(
            "Guten Tag {name},\n\n"
            "vielen Dank für Ihre Zahlung über {amount}. Anbei erhalten Sie die "
            "Nutzungsgenehmigung und die Rechnung. Ihre Dateien laden Sie hier herunter:\n\n"
            "{links}\n\n"
            "Die Links gelten bis zum {valid_until} für je {downloads} Downloads.\n\n"
            "Mit freundlichen Grüßen\nIhr Stadtarchiv Kassel"
        ),
        placeholders=placeholders,
    )
    register_email_text(
        key=ORDER_REJECTED_MAIL,
        name="Archivbestellung: nicht freigegeben",
        subject="Ihre Bestellung {case_number}",
        body=(
            "Guten Tag {name},\n\n"
            "leider können wir Ihre Bestellung {case_number} für die angegebene Nutzung nicht "
            "freigeben:\n{reason}\n\n"
            "Gebühren fallen nicht an.\n\n"
            "Mit freundlichen Grüßen\nIhr Stadtarchiv Kassel"
        ),
        placeholders=placeholders,
    )
    register_email_text(
        key=ORDER_RECEIVED_MAIL,
        name="Archivbestellung: eingegangen, wird geprüft",
        subject="Ihre Bestellung {case_number} ist eingegangen",
        body=(
            "Guten Tag {name},\n\n"
            "Ihre Bestellung {case_number} ist eingegangen. Für die gewünschte Nutzung prüft das "
            "Stadtarchiv die Rechte; Sie erhalten danach die Rechnung oder eine Nachricht.\n\n"
            "Mit freundlichen Grüßen\nIhr Stadtarchiv Kassel"
        ),
        placeholders=placeholders,
    )
