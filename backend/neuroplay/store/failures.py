"""What a failed database write means, in words a user can act on."""

from __future__ import annotations

import errno

SAVE_FAILED = "could not save this session"


def why_it_failed(exc: BaseException) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "the database is locked by another program"
    if "full" in text or getattr(exc, "errno", None) == errno.ENOSPC or "no space" in text:
        return "the server's disk is full"
    if "read-only" in text or "readonly" in text:
        return "the database is read-only"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else 'no detail'}"


def save_failure_message(exc: BaseException) -> str:
    return (
        f"{SAVE_FAILED} ({why_it_failed(exc)}); training goes on and saving is retried, but a restart now "
        "would bring it back at its last save"
    )
