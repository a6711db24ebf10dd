"""The project's own bank statements for tests: valid camt.053.001.08 documents.

``tests/shop/test_real_bank_files.py`` checks every document built here
against the official schema, so the fixtures look like what banks send.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from django.utils import timezone

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
IBAN = "DE12520503530001234567"


def entry(
    ref: str,
    amount: str,
    remittance: str | list[str],
    *,
    credit: bool = True,
    name: str = "Frank Mustermann",
    status: str = "BOOK",
    booked: date | None = None,
    value: date | None = None,
    with_booking_date: bool = True,
    end_to_end: str = "NOTPROVIDED",
    structured: str = "",
    additional: str = "",
    transfers: list[tuple[str, str]] | None = None,
) -> str:
    """One ``Ntry``; ``transfers`` makes it a batch of (amount, remittance) ``TxDtls``."""
    day = booked or timezone.localdate()
    lines = [remittance] if isinstance(remittance, str) else remittance
    booking = f"<BookgDt><Dt>{day:%Y-%m-%d}</Dt></BookgDt>" if with_booking_date else ""
    details = (
        "".join(
            _transfer(tx_amount, [tx_text], name=name, end_to_end=end_to_end, with_amount=True)
            for tx_amount, tx_text in transfers
        )
        if transfers
        else _transfer(amount, lines, name=name, end_to_end=end_to_end, structured=structured)
    )
    batch = f"<Btch><NbOfTxs>{len(transfers)}</NbOfTxs></Btch>" if transfers else ""
    extra = f"<AddtlNtryInf>{escape(additional)}</AddtlNtryInf>" if additional else ""
    return f"""
      <Ntry>
        <NtryRef>{escape(ref)}</NtryRef>
        <Amt Ccy="EUR">{amount}</Amt>
        <CdtDbtInd>{"CRDT" if credit else "DBIT"}</CdtDbtInd>
        <Sts><Cd>{status}</Cd></Sts>
        {booking}
        <ValDt><Dt>{(value or day):%Y-%m-%d}</Dt></ValDt>
        <AcctSvcrRef>{escape(ref)}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>{batch}{details}</NtryDtls>
        {extra}
      </Ntry>"""


def _transfer(amount, lines, *, name, end_to_end, structured="", with_amount=False):
    tx_amount = f'<Amt Ccy="EUR">{amount}</Amt>' if with_amount else ""
    unstructured = "".join(f"<Ustrd>{escape(line)}</Ustrd>" for line in lines if line)
    strd = (
        "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
        f"<Ref>{escape(structured)}</Ref></CdtrRefInf></Strd>"
        if structured
        else ""
    )
    remittance = f"<RmtInf>{unstructured}{strd}</RmtInf>" if unstructured or strd else ""
    return f"""<TxDtls>
          <Refs><EndToEndId>{escape(end_to_end)}</EndToEndId></Refs>
          {tx_amount}
          <RltdPties><Dbtr><Pty><Nm>{escape(name)}</Nm></Pty></Dbtr></RltdPties>
          {remittance}
        </TxDtls>"""


def statement(
    *entries: str,
    statement_id: str = "STMT-2026-11-25",
    covers: date | None = None,
    iban: str = IBAN,
    encoding: str = "UTF-8",
) -> bytes:
    day = covers or timezone.localdate()
    text = f"""<?xml version="1.0" encoding="{encoding}"?>
<Document xmlns="{NS}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-{escape(statement_id)}</MsgId><CreDtTm>{day:%Y-%m-%d}T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{escape(statement_id)}</Id>
      <CreDtTm>{day:%Y-%m-%d}T18:00:00</CreDtTm>
      <FrToDt><FrDtTm>{day:%Y-%m-%d}T00:00:00</FrDtTm><ToDtTm>{day:%Y-%m-%d}T23:59:59</ToDtTm></FrToDt>
      <Acct><Id><IBAN>{iban}</IBAN></Id></Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day:%Y-%m-%d}</Dt></Dt>
      </Bal>
      {"".join(entries)}
    </Stmt>
  </BkToCstmrStmt>
</Document>"""
    return text.encode(encoding)
