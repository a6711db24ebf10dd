"""What the portal keeps of a case's filings, deleted with the case's personal data.

The containers (the XML with the applicant's name and every document) and the e-file's
answers go, and so do the archive hand-over containers the case was part of (an offer
list and a hand-over name every case in them; once one of them is erased they are not
sent again); the filing rows stay with their message ids, dates and states, so the
portal can still say what went to the e-file and the archive and when. What the e-file
and the archive received is theirs to keep (docs/records.md).
"""

from __future__ import annotations

from portal_site.cases.erasure import _delete_files_after_commit
from portal_site.cases.models import Case

from .models import ArchiveTransfer, Filing


def erase_records(case: Case) -> None:
    filings = list(Filing.objects.filter(case=case))
    files = [(f.container.name, f.container.storage) for f in filings if f.container.name]
    Filing.objects.filter(case=case).update(container="", answer="", documents=[])
    transfers = list(ArchiveTransfer.objects.filter(cases__case=case))
    for transfer in transfers:
        files += [(f.name, f.storage) for f in (transfer.offer, transfer.delivery) if f.name]
    ArchiveTransfer.objects.filter(pk__in=[t.pk for t in transfers]).update(offer="", delivery="")
    _delete_files_after_commit(files)
