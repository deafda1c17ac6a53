"""Who is using this browser session, and what they may see. The login page (dashboards/auth.py) fills it in.

Pages ask `user()` for the name written into the audit log and `may_reveal()` before showing an ID number or
phone unmasked; both read Streamlit's session state, so they hold per browser session.
"""

from __future__ import annotations

import streamlit as st

from caselink.audit import current_user
from caselink.users import REVEALING_ROLES

USER_KEY = "auth_user"
ROLE_KEY = "auth_role"
REVEAL_KEY = "reveal_personal"
__all__ = ["REVEALING_ROLES", "may_reveal", "role", "user"]


def user() -> str:
    """The logged-in user, else the account running the server (when no login is configured)."""
    return str(st.session_state.get(USER_KEY) or current_user())


def role() -> str | None:
    """The logged-in user's role, or None when no login is configured."""
    value = st.session_state.get(ROLE_KEY)
    return str(value) if value else None


def may_reveal() -> bool:
    """True when this user's role allows unmasked personal data and they switched masking off."""
    return role() in REVEALING_ROLES and bool(st.session_state.get(REVEAL_KEY, False))
