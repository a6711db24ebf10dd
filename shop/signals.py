"""What the money module tells the processes above it (they may not be imported here)."""

from django.dispatch import Signal

# invoice=Invoice, actor=User | None; sent inside the transaction that booked the payment.
invoice_paid = Signal()
# invoice=Invoice, actor=User | None, reason=str, erase=bool (delete personal data);
# sent inside the Storno's transaction.
invoice_cancelled = Signal()
