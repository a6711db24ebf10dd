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

The package: ``flow`` (typed data, chain, start), ``forms`` (the steps' forms),
``application`` (declared inputs, fees), ``texts`` (e-mails and the cover letter).
"""

from .application import INPUTS, certificate_request, fee_items, partner_data
from .flow import (
    PROCESS_KEY,
    CertificateProcess,
    CivilStatusFlow,
    register_civil_status,
    start_civil_status,
)
from .forms import CompleteForm

__all__ = [
    "CertificateProcess",
    "CivilStatusFlow",
    "CompleteForm",
    "INPUTS",
    "PROCESS_KEY",
    "certificate_request",
    "fee_items",
    "partner_data",
    "register_civil_status",
    "start_civil_status",
]
