"""`carepath app [--port N] [--host H]`: serve the workshop app with Solara.

Bound to 127.0.0.1 unless told otherwise: a laptop at a workshop should not offer the app
to the whole venue's network by accident. Solara runs in production mode (no file
watching, no call home) with its telemetry off, so it works with no internet once the
front-end assets are installed (scripts/install_offline_assets.sh); a file missing there
is a 404, never a download (app/offline.py).

The port is checked before anything is said to be serving. Then this process becomes the
Solara server (exec), so stopping `carepath app` in any way (Ctrl-C, `kill`, `kill -9`)
stops the server and frees the port: there is no child left behind.
"""
from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_MODULE = "app.server"
# One file from each asset bundle the page loads first; if these are missing, Solara would
# try to fetch them from a CDN.
CORE_ASSETS = ("requirejs@2.3.6/require.js", "@widgetti/solara-vuetify-app@10.1.1/package.json")


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 0 and 65535, got {port}")
    return port


def add_cli(subparsers) -> None:
    """Register the `app` subcommand on carepath's subparsers."""
    app = subparsers.add_parser(
        "app", help="open the workshop app: siloed and integrated worlds side by side in the browser",
        description="Serve the workshop app (two worlds, same people, side by side). Works offline.",
        epilog="Each browser tab's session (settings, week, followed person) is kept under the ?session= id "
               "in its address, in $CAREPATH_APP_STATE or ~/.local/state/carepath/app-sessions; reopen the "
               "address to get it back. The facilitator's guide is docs/app.md.")
    app.add_argument("--port", type=port_number, default=8765,
                     help="port to serve on (default 8765; 0 picks a free one); one in use is refused")
    app.add_argument("--host", default="127.0.0.1",
                     help="address to bind (default 127.0.0.1, this machine only; 0.0.0.0 shares it on the network)")
    app.set_defaults(handler=run_app)


def solara_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "solara", "run", APP_MODULE, "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version"]


def solara_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def missing_assets() -> list[str]:
    """Core front-end files Solara would otherwise fetch from a CDN."""
    from solara.server import settings

    cdn = Path(settings.assets.proxy_cache_dir)
    return [name for name in CORE_ASSETS if not (cdn / name).is_file()]


def claim_port(host: str, port: int) -> int:
    """The port to serve on: `port` if it can be bound now (0: a free one); raises OSError if not.

    Bound the way the server will bind it (SO_REUSEADDR), then released for the server.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        return probe.getsockname()[1]


def run_app(args) -> int:
    try:
        port = claim_port(args.host, args.port)
    except OSError as exc:
        reason = (f"port {args.port} is in use (is the app already running? choose another with --port)"
                  if exc.errno == errno.EADDRINUSE else f"cannot serve on {args.host}:{args.port} "
                                                        f"({exc.strerror or exc})")
        print(f"carepath app: error: {reason}", file=sys.stderr)
        return 2
    missing = missing_assets()
    if missing:
        print(f"carepath app: warning: front-end assets are not installed locally ({', '.join(missing)}); "
              "the page will not load. Run: bash scripts/install_offline_assets.sh", file=sys.stderr)
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"carepath app: serving on http://{shown_host}:{port}/ (Ctrl-C to stop)", file=sys.stderr, flush=True)
    sys.stdout.flush()
    os.chdir(REPO_ROOT)
    command = solara_command(args.host, port)
    os.execve(command[0], command, solara_environment())  # this process becomes the server
    return 0  # not reached
