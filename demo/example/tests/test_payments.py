"""Checkout retries (PAY-001): each test names the error path or goal it verifies."""

import pytest

from example.payments import Checkout, CheckoutError, TransientError


def provider(failures: int = 0):
    """A payment provider that times out *failures* times, then approves."""
    calls = []

    def charge(key: str, amount: int) -> str:
        calls.append(key)
        if len(calls) <= failures:
            raise TransientError("503 Service Unavailable")
        return f"ch_{key}"

    return charge


@pytest.mark.spec("PAY-001.A1")
def test_expired_token_creates_no_attempt():
    checkout = Checkout(provider())
    with pytest.raises(CheckoutError) as refused:
        checkout.checkout("cart-1", 4200, "key-1", token_valid=False)
    assert refused.value.status == 401
    assert checkout.attempts == []


@pytest.mark.spec("PAY-001.A2")
def test_exhausted_budget_releases_the_stock():
    checkout = Checkout(provider(failures=5), budget=3)
    with pytest.raises(CheckoutError) as refused:
        checkout.checkout("cart-1", 4200, "key-1", token_valid=True)
    assert refused.value.status == 503
    assert "you have not been charged" in str(refused.value)
    assert checkout.reserved == set()
    assert len(checkout.attempts) == 3


@pytest.mark.spec("PAY-001.A3")
def test_key_reused_for_another_cart_keeps_the_first_order():
    checkout = Checkout(provider())
    receipt = checkout.checkout("cart-1", 4200, "key-1", token_valid=True)
    with pytest.raises(CheckoutError) as refused:
        checkout.checkout("cart-2", 990, "key-1", token_valid=True)
    assert refused.value.status == 422
    assert checkout.orders["key-1"] == ("cart-1", receipt)


@pytest.mark.spec("PAY-001.no-double-charge")
@pytest.mark.parametrize("failures", [0, 2])
def test_a_repeated_request_is_charged_once(failures):
    checkout = Checkout(provider(failures))
    first = checkout.checkout("cart-1", 4200, "key-1", token_valid=True)
    again = checkout.checkout("cart-1", 4200, "key-1", token_valid=True)
    assert first == again
    assert len(checkout.attempts) == failures + 1
