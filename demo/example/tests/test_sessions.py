"""Session tokens (AUTH-002): each test names the error path or goal it verifies."""

import pytest

from example.sessions import ACCESS_LIFETIME, SessionRevoked, Sessions


@pytest.mark.spec("AUTH-002.A1")
def test_spent_refresh_token_revokes_the_session():
    sessions = Sessions()
    first = sessions.sign_in("s1")
    second, _expiry, _session = sessions.refresh(first, now=0)
    with pytest.raises(SessionRevoked):
        sessions.refresh(first, now=60)
    assert "s1" in sessions.revoked
    assert second not in sessions.live


@pytest.mark.spec("AUTH-002.theft-window")
def test_access_tokens_live_fifteen_minutes():
    sessions = Sessions()
    _token, expiry, _session = sessions.refresh(sessions.sign_in("s1"), now=1000)
    assert expiry - 1000 == ACCESS_LIFETIME == 900
