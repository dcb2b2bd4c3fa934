"""Prefixed random ids (ace.md §1.8): `<prefix>_` + 32 lowercase hex characters."""

import secrets


def new_id(prefix: str) -> str:
    """Return a fresh id such as `usr_3f2a...`."""
    return f"{prefix}_{secrets.token_hex(16)}"
