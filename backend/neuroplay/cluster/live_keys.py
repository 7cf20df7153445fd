"""The Redis names of one session's live relay (docs/decisions.md, "Many servers")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LiveKeys:
    prefix: str
    session: str

    @property
    def stream(self) -> str:
        """Ordered events (snapshot, deltas, end): XADD by the holder, XREAD by mirrors."""
        return f"{self.prefix}live:{self.session}"

    @property
    def frames(self) -> str:
        """Tensor frames, latest-wins: PUBLISH by the holder while another node watches views."""
        return f"{self.prefix}frames:{self.session}"

    @property
    def watch(self) -> str:
        """Hash node -> LiveWatch JSON: what each other node's watchers open."""
        return f"{self.prefix}watch:{self.session}"

    @property
    def lease(self) -> str:
        """The holder's lease (cluster/leases.py names it the same way)."""
        return f"{self.prefix}lease:{self.session}"
