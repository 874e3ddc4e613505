"""The workshop app's server never fetches a front-end file from the internet: missing is 404."""
from __future__ import annotations

import http.server
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from app.cli import REPO_ROOT, solara_command, solara_environment


MISSING = ("left-pad@1.3.0", "no-such-package@9.9.9")


class Recorder(http.server.BaseHTTPRequestHandler):
    """Stands in for the public CDN: records every request it gets."""

    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server API
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"fetched from the CDN")

    def log_message(self, *args):
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_a_missing_front_end_file_is_a_404_and_nothing_is_fetched(tmp_path):
    from solara.server import settings

    cache = settings.assets.proxy_cache_dir
    cdn = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=cdn.serve_forever, daemon=True).start()
    port = free_port()
    env = solara_environment()
    env["SOLARA_ASSETS_CDN"] = f"http://127.0.0.1:{cdn.server_address[1]}/npm/"
    server = subprocess.Popen(solara_command("127.0.0.1", port), env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while get_or_none(base + "/") != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert get(base + "/") == 200
        assert get(base + "/_solara/cdn/requirejs@2.3.6/require.js") == 200  # installed locally
        for package in MISSING:
            assert not (cache / package).exists()
            assert get(f"{base}/_solara/cdn/{package}/index.js") == 404
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        cdn.shutdown()
        for fetched in MISSING:  # if a regression fetched them, do not leave them in the cache
            shutil.rmtree(cache / fetched, ignore_errors=True)
    assert Recorder.requests == []


def get_or_none(url: str) -> int | None:
    try:
        return get(url)
    except OSError:
        return None
