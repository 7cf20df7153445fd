"""Minified copies of the frontend's own modules and stylesheets, made once when the server starts.

Our files are written for the next engineer: long names and comments that say why. After gzip they
still cost 184 KB over ~100 modules, which the page's 250 KB first-load budget (issue 14) cannot
carry. esbuild (npm, frontend/package.json) minifies each file on its own: no bundling, the ES
modules, their import paths and the import map stay as they are. So the browser runs the same
modules, only shorter; about 40 % less after gzip (docs/decisions.md, "Serving the page").

The copies live in a temporary directory for the server's lifetime. A source newer than its copy (a
file edited while the server runs) is served as it is, so nothing stale is ever served. Without
esbuild (frontend packages not installed), or with NEUROPLAY_MINIFY_FRONTEND=false, or if esbuild
fails, the sources are served unchanged and the log says why.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

MINIFIED_DIRS = ("js", "css")  # what is minified, relative to the frontend directory
ESBUILD_TIMEOUT = 60.0  # seconds; one run over every file takes ~0.2 s here


class MinifiedCopies:
    """The minified copy of each source under MINIFIED_DIRS, while the copy is fresh."""

    def __init__(self, copies_dir: Path) -> None:
        self.copies_dir = copies_dir

    def lookup(self, relative: str, source: os.stat_result) -> tuple[str, os.stat_result] | None:
        """The copy of the source at `relative` (already checked to lie inside the frontend directory),
        or None: not a minified kind of file, no copy, or the source changed since."""
        if not relative.startswith(tuple(f"{d}/" for d in MINIFIED_DIRS)):
            return None
        copy = self.copies_dir / relative
        try:
            found = copy.stat()
        except OSError:
            return None
        return (str(copy), found) if found.st_mtime >= source.st_mtime else None


def sources(frontend_dir: Path) -> list[str]:
    names = []
    for directory in MINIFIED_DIRS:
        for pattern in ("*.js", "*.css"):
            names += [str(p.relative_to(frontend_dir)) for p in (frontend_dir / directory).rglob(pattern)]
    return sorted(names)


def make_minified_copies(frontend_dir: Path, enabled: bool = True) -> tuple[MinifiedCopies | None, Path | None]:
    """Run esbuild over the frontend's own files into a new temporary directory. Returns the copies
    and the directory to delete at shutdown, or (None, None) when the sources are to be served."""
    esbuild = frontend_dir / "node_modules" / ".bin" / "esbuild"
    if not enabled:
        return None, None
    if not esbuild.exists():
        log.warning("frontend served unminified: %s is missing (run scripts/setup.sh)", esbuild)
        return None, None
    out: Path | None = None
    try:
        out = Path(tempfile.mkdtemp(prefix="neuroplay-frontend-"))
        command = [
            str(esbuild),
            *sources(frontend_dir),
            "--minify",
            f"--outdir={out}",
            "--outbase=.",
            "--log-level=error",
        ]
        subprocess.run(command, cwd=frontend_dir, check=True, capture_output=True, timeout=ESBUILD_TIMEOUT)
    except (OSError, subprocess.SubprocessError) as exc:  # no room in the temporary directory, esbuild failed
        detail = getattr(exc, "stderr", b"") or b""
        log.warning("frontend served unminified: esbuild failed: %s %s", exc, detail.decode(errors="replace")[:500])
        remove_copies(out)
        return None, None
    return MinifiedCopies(out), out


def remove_copies(directory: Path | None) -> None:
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)
