"""Command line: `python -m neuroplay serve --host H --port P --data-dir D` and `schemas`."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="neuroplay", description="NeuroPlay neural-network playground")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the playground server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--data-dir", type=Path, default=Path("data"))
    serve.add_argument("--log-level", default="info")
    schemas = commands.add_parser("schemas", help="write shared_schemas/*.schema.json")
    schemas.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    if args.command == "serve":
        import uvicorn

        from .app import create_app
        from .config import Settings

        logging.basicConfig(level=args.log_level.upper())
        settings = Settings(host=args.host, port=args.port, data_dir=args.data_dir)
        # permessage-deflate costs more than it saves on float frames (design.md, Streaming).
        from .store.single_server import DatabaseInUse

        try:
            app = create_app(settings)
        except DatabaseInUse as exc:
            raise SystemExit(f"neuroplay: {exc}") from None
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            ws_per_message_deflate=False,
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
            log_level=args.log_level,
            server_header=False,  # 20 bytes on each of a first load's ~100 answers, and says nothing useful
        )
    elif args.command == "schemas":
        from .schemas.export import write_schemas

        for path in write_schemas(args.out):
            print(path)


if __name__ == "__main__":
    main()
