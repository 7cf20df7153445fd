"""The static frontend as the browser gets it: compressed, and cached with revalidation.

Every file carries an ETag (Starlette's FileResponse; its Last-Modified is dropped, the ETag being
enough), so a reload costs a 304 per file and no body. Our own modules say `no-cache` (use the copy
only after revalidating: they change with every deploy under the same name); the npm libraries may be
used for an hour without asking (they change only with package-lock.json). Our own modules and
stylesheets are served minified where a fresh copy exists (frontend_minified.py). Text is gzipped
(docs/performance.md, the page's weight). Websockets never pass through here.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope

from .api.compression import gzipped
from .frontend_minified import MinifiedCopies

OWN_FILES_CACHE = "no-cache"
LIBRARY_CACHE = "public, max-age=3600"


class FrontendFiles(StaticFiles):
    def __init__(self, *, directory: Path, minified: MinifiedCopies | None = None) -> None:
        # follow_symlink: a checkout may link node_modules to a shared install (StaticFiles otherwise
        # refuses every file whose real path lies outside `directory`). Paths are still normalised, so
        # ".." cannot leave the frontend directory.
        super().__init__(directory=directory, follow_symlink=True)
        self.minified = minified

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        """The source's minified copy where there is a fresh one (frontend_minified.py), else the source."""
        full_path, found = super().lookup_path(path)
        if found is None or self.minified is None:
            return full_path, found
        return self.minified.lookup(path, found) or (full_path, found)

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        library = scope["path"].startswith("/node_modules/")
        response.headers["Cache-Control"] = LIBRARY_CACHE if library else OWN_FILES_CACHE
        # The ETag alone revalidates (super() answered a matching If-None-Match with 304 already), and
        # with Cache-Control set no browser guesses a lifetime from the date: 40 bytes less per file.
        del response.headers["last-modified"]
        return response


def frontend_app(directory: Path, minified: MinifiedCopies | None = None) -> ASGIApp:
    return gzipped(FrontendFiles(directory=directory, minified=minified))
