"""PAY-001: checkout retries transient provider failures under one idempotency key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class TransientError(Exception):
    """The provider timed out or answered 503."""


class CheckoutError(Exception):
    """A refused checkout: the HTTP status and what the shopper is told."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Checkout:
    #: charges a card: (idempotency key, amount) -> provider reference
    provider: Callable[[str, int], str]
    #: attempts per checkout (the retry budget)
    budget: int = 3
    #: idempotency key -> (cart, receipt)
    orders: dict[str, tuple[str, str]] = field(default_factory=dict)
    attempts: list[str] = field(default_factory=list)
    reserved: set[str] = field(default_factory=set)

    def checkout(self, cart: str, amount: int, key: str, token_valid: bool) -> str:
        if not token_valid:  # PAY-001.A1: no attempt is created
            raise CheckoutError(401, "Please sign in again; your cart is kept")
        if key in self.orders:
            first_cart, receipt = self.orders[key]
            if first_cart != cart:  # PAY-001.A3: the order placed first stays
                raise CheckoutError(422, f"This key already placed order {receipt}")
            return receipt  # the same request again: never a second charge
        self.reserved.add(cart)
        for _attempt in range(self.budget):
            self.attempts.append(key)
            try:
                reference = self.provider(key, amount)
            except TransientError:
                continue
            self.orders[key] = (cart, reference)
            return reference
        self.reserved.discard(cart)  # PAY-001.A2: release the stock reservation
        raise CheckoutError(503, "We could not reach your bank, you have not been charged")
