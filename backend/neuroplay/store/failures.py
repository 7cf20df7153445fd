"""What a failed database write means, in words a user can act on: a cause (a key of
schemas/error_codes.DATABASE_CAUSES, which the browser says in the learner's language) and the
English words for the message."""

from __future__ import annotations

import errno

SAVE_FAILED = "could not save this session"

_WORDS = {
    "locked": "the database is locked by another program",
    "disk_full": "the server's disk is full",
    "read_only": "the database is read-only",
}


def cause_of(exc: BaseException) -> str:
    """locked, disk_full, read_only or other (schemas/error_codes.DATABASE_CAUSES)."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        cause = "locked"
    elif "full" in text or getattr(exc, "errno", None) == errno.ENOSPC or "no space" in text:
        cause = "disk_full"
    elif "read-only" in text or "readonly" in text:
        cause = "read_only"
    else:
        cause = "other"
    return cause


def kind_of(exc: BaseException) -> str:
    """The class of the driver's own error (SQLAlchemy wraps it), for cause `other`."""
    return type(getattr(exc, "orig", None) or exc).__name__


def why_it_failed(exc: BaseException) -> str:
    cause = cause_of(exc)
    if cause in _WORDS:
        return _WORDS[cause]
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else 'no detail'}"


def save_failure_message(exc: BaseException) -> str:
    return (
        f"{SAVE_FAILED} ({why_it_failed(exc)}); training goes on and saving is retried, but a restart now "
        "would bring it back at its last save"
    )
