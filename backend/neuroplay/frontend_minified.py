"""Minified copies of the frontend's own modules and stylesheets, made once when the server starts.

Our files are written for the next engineer: long names and comments that say why. After gzip they
still cost 184 KB over ~100 modules, which the page's 250 KB first-load budget (issue 14) cannot
carry. esbuild (npm, frontend/package.json) minifies each file on its own: no bundling, the ES
modules, their import paths and the import map stay as they are. So the browser runs the same
modules, only shorter; about 40 % less after gzip (docs/decisions.md, "Serving the page").

The copies go to <data_dir>/frontend-minified, emptied and made again at each start (a crash leaves
nothing behind but that folder). Each copy is served only while its source is exactly the file it was
made from (same modification time to the nanosecond, size and inode, recorded before esbuild ran),
so a file edited, replaced or restored while the server runs is served as it is, never a stale copy.
A copy gets its source's modification time, so its ETag (Starlette's: time and size) is the same
across restarts and across nodes serving the same files, and browsers keep their 304s. Without
esbuild (frontend packages not installed), with NEUROPLAY_MINIFY_FRONTEND=false, or if esbuild or the
folder fails, the sources are served unchanged and the log says why.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)

MINIFIED = (("js", "*.js"), ("css", "*.css"))  # what is minified: folder of the frontend, files in it
ESBUILD_TIMEOUT = 60.0  # seconds; one run over every file took 0.13 s here
COPIES_DIR = "frontend-minified"  # under the server's data_dir


def identity(found: os.stat_result) -> tuple[int, int, int]:
    """What says a file is still the same file: modification time (ns), size, inode."""
    return found.st_mtime_ns, found.st_size, found.st_ino


class MinifiedCopies:
    """The minified copy of each source MINIFIED names, while the source is unchanged."""

    def __init__(self, copies_dir: Path, made_from: dict[str, tuple[int, int, int]]) -> None:
        self.copies_dir = copies_dir
        self.made_from = made_from  # relative path -> identity() of the source the copy was made from

    def lookup(self, relative: str, source: os.stat_result) -> tuple[str, os.stat_result] | None:
        """The copy of the source at `relative` (already checked to lie inside the frontend directory),
        or None: not a minified file, or the source is not the file the copy was made from."""
        if self.made_from.get(relative) != identity(source):
            return None
        copy = self.copies_dir / relative
        try:
            return str(copy), copy.stat()
        except OSError:
            return None


def sources(frontend_dir: Path) -> list[str]:
    """The files to minify, relative to the frontend directory."""
    return sorted(
        str(p.relative_to(frontend_dir)) for folder, pattern in MINIFIED for p in (frontend_dir / folder).rglob(pattern)
    )


def make_minified_copies(frontend_dir: Path, data_dir: Path, enabled: bool = True) -> MinifiedCopies | None:
    """Run esbuild over the frontend's own files into <data_dir>/frontend-minified; None when the
    sources are to be served."""
    esbuild = frontend_dir / "node_modules" / ".bin" / "esbuild"
    if not enabled:
        return None
    if not esbuild.exists():
        log.warning("frontend served unminified: %s is missing (run scripts/setup.sh)", esbuild)
        return None
    out = data_dir / COPIES_DIR
    names = sources(frontend_dir)
    try:
        made_from = {name: identity((frontend_dir / name).stat()) for name in names}  # before esbuild reads
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        command = [str(esbuild), *names, "--minify", f"--outdir={out}", "--outbase=.", "--log-level=error"]
        subprocess.run(command, cwd=frontend_dir, check=True, capture_output=True, timeout=ESBUILD_TIMEOUT)
        for name in names:  # the source's time on the copy: a stable ETag
            mtime_ns = made_from[name][0]
            os.utime(out / name, ns=(mtime_ns, mtime_ns))
    except (OSError, subprocess.SubprocessError) as exc:  # no room or no right to write, esbuild failed
        detail = getattr(exc, "stderr", b"") or b""
        log.warning("frontend served unminified: %s %s", exc, detail.decode(errors="replace")[:500])
        shutil.rmtree(out, ignore_errors=True)
        return None
    return MinifiedCopies(out, made_from)
