"""CPU time of one session's fan-out to its watchers on the event loop, per display frame: the hub's
tick plus what each watcher's send loop takes out of its outbox (metrics text, tensor message), with
the watchers that keep up sharing one serialised message (as the server does) and with each one
serialising its own (as it did before issue 12). In-process and without sockets: CPU time, so a busy
machine moves it little. The frame: one new metric point, 25 batch losses, the default page's tensors
for the circle MLP (about 80 KB).
Run: .venv/bin/python benchmarks/bench_fanout.py [--watchers 60] [--frames 300]
"""

from __future__ import annotations

import argparse
import asyncio
import time

from common import print_table
from hub_fakes import FakeSession, Frames
from neuroplay.schemas.session import MetricPoint
from neuroplay.sessions.hub import Hub, Subscriber

RECORDS = [("boundary", "boundary", b"b" * 10_224)] + [(f"neurons/{i}", "neurons", b"n" * 10_100) for i in range(7)]


async def fan_out(watchers: int, frames: int, share: bool) -> float:
    """CPU milliseconds per frame for `watchers` watchers that all keep up."""
    session = FakeSession()
    hub = Hub(session, display_hz=30)  # type: ignore[arg-type]
    subs = []
    for _ in range(watchers):
        sub = Subscriber("viewer", max_pending_points=100_000)
        sub.views = {"boundary", "neurons"}
        hub.subscribers.add(sub)
        sub.joined = hub.joined if share else {}
        hub.start_stream(sub, None, None)
        sub.take_texts()
        subs.append(sub)
    started = time.process_time()
    for n in range(1, frames + 1):
        session.step, session.epoch = 25 * n, n
        session.history.append(
            MetricPoint(step=25 * n, epoch=n, loss=0.5, val_loss=0.6, accuracy=0.8, val_accuracy=0.7)
        )
        session.views.batch_losses.extend([(25 * (n - 1) + i, 0.5) for i in range(1, 26)])
        session.frames = Frames([(key, view, bytes(data)) for key, view, data in RECORDS])  # new records
        await hub.tick()
        for sub in subs:
            if not share:
                sub.shared_metrics = None
                sub.joined = {}
            sub.take_metrics()
            sub.take_tensor_message(now=time.monotonic() + n)  # a full budget: every record goes
    return (time.process_time() - started) * 1000 / frames


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--watchers", type=int, nargs="*", default=[1, 10, 60])
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    rows = []
    for watchers in args.watchers:
        own = asyncio.run(fan_out(watchers, args.frames, share=False))
        shared = asyncio.run(fan_out(watchers, args.frames, share=True))
        rows.append([watchers, f"{own:.3f}", f"{shared:.3f}", f"{own / shared:.1f}x", f"{shared * 30 / 10:.1f} %"])
    print_table(
        "one session's fan-out on the event loop, CPU ms per display frame",
        ["watchers", "each serialises its own", "shared (now)", "ratio", "share of a core at 30 Hz (now)"],
        rows,
    )


if __name__ == "__main__":
    main()
