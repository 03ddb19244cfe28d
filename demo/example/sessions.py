"""AUTH-002: short-lived access tokens and single-use, rotating refresh tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

#: seconds an access token is valid (AUTH-002.theft-window: 15 minutes)
ACCESS_LIFETIME = 15 * 60


class SessionRevoked(Exception):
    """A spent refresh token came back: the whole session is revoked."""


@dataclass
class Sessions:
    #: refresh token -> session id, for the tokens not yet spent
    live: dict[str, str] = field(default_factory=dict)
    spent: dict[str, str] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)

    def sign_in(self, session: str) -> str:
        token = secrets.token_urlsafe(16)
        self.live[token] = session
        return token

    def refresh(self, token: str, now: int) -> tuple[str, int, str]:
        """A new refresh token, the access token's expiry time and the session."""
        if token in self.spent:  # AUTH-002.A1: reuse means the token was stolen
            session = self.spent[token]
            self.revoked.add(session)
            self.live = {key: value for key, value in self.live.items() if value != session}
            raise SessionRevoked(session)
        session = self.live.pop(token)
        self.spent[token] = session
        return self.sign_in(session), now + ACCESS_LIFETIME, session
