"""``standoff serve``: the web workbench over a folder of model files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from standoff.errors import ModelError

#: Hosts that only this machine can reach.
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve_command(
    folder: Annotated[Path, typer.Argument(help="Folder of model files to work on.",
                                           show_default=False)],
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on (0: any "
                                      "free port).")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to listen on. The default "
                                      "is reachable from this machine only.")] = "127.0.0.1",
    max_states: Annotated[int, typer.Option(
        "--max-states", help="Refuse models whose state space would exceed this.")] = 1 << 22,
) -> None:
    """Start the web workbench on FOLDER and print its URL (with the session token).

    It reads and writes model files only inside FOLDER. Stop it with Ctrl-C.
    """
    try:
        import uvicorn

        from standoff.web.app import create_app
    except ModuleNotFoundError as exc:
        raise ModelError(f"the workbench needs the 'web' extra ({exc.name} is not installed)",
                         file="standoff serve",
                         hint='install it with: pip install "standoff[web]" (or, in a '
                         'checkout, pip install ".[web]")') from None
    if not 0 <= port <= 65535:
        raise ModelError(f"port {port} does not exist", file="--port",
                         hint="give a number from 1 to 65535 (0 picks a free one)")
    hosts = None
    if host not in LOOPBACK:
        sys.stderr.write(
            f"warning: listening on {host}: other machines that reach it can use the "
            "workbench (with the token) and read and write model files in "
            f"{folder}. Use --host 127.0.0.1 unless you mean it.\n")
        hosts = ["*"]
    app = create_app(folder, max_states=max_states, hosts=hosts)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                            limit_concurrency=64, timeout_keep_alive=5)
    server = uvicorn.Server(config)
    _announce(server, app.state.token, host, app.state.folder.root)
    server.run()


def _announce(server, token: str, host: str, folder: Path) -> None:
    """Print the URL once the server is listening (the port is known only then)."""
    original = server.startup

    async def startup(sockets=None) -> None:
        await original(sockets=sockets)
        port = server.config.port
        for listener in getattr(server, "servers", []):
            for sock in listener.sockets:
                port = sock.getsockname()[1]
                break
        shown = f"[{host}]" if ":" in host else host
        if host in ("0.0.0.0", "::"):
            shown = "127.0.0.1"
        sys.stdout.write(f"standoff workbench serving {folder}\n"
                         f"open: http://{shown}:{port}/?token={token}\n"
                         "(stop with Ctrl-C)\n")
        sys.stdout.flush()

    server.startup = startup


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
