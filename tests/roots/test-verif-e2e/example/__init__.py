"""A tiny payment service: retries with one idempotency key, refunds."""
