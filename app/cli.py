"""`carepath app [--port N] [--host H]`: serve the workshop app with Solara.

Bound to 127.0.0.1 unless told otherwise: a laptop at a workshop should not offer the app
to the whole venue's network by accident. Solara runs in production mode (no file
watching, no call home) with its telemetry off, so it works with no internet once the
front-end assets are installed (scripts/install_offline_assets.sh).
"""
from __future__ import annotations

import argparse
import os
import subprocess
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
    app.add_argument("--port", type=port_number, default=8765, help="port to serve on (default 8765; 0 picks one)")
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


def run_app(args) -> int:
    missing = missing_assets()
    if missing:
        print(f"carepath app: warning: front-end assets are not installed locally ({', '.join(missing)}); "
              "the page needs internet. Run: bash scripts/install_offline_assets.sh", file=sys.stderr)
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    where = f"http://{shown_host}:{args.port}/" if args.port else f"{shown_host}, on a free port Solara will name"
    print(f"carepath app: serving on {where} (Ctrl-C to stop)", file=sys.stderr)
    try:
        return subprocess.call(solara_command(args.host, args.port), env=solara_environment(), cwd=REPO_ROOT)
    except KeyboardInterrupt:
        return 130
