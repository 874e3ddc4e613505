"""Keep the Solara server offline: a front-end file missing locally is a 404, never a CDN fetch.

Solara serves `/_solara/cdn/<package>@<version>/...` from `<venv>/share/solara/cdn/` and, when
a file is not there, downloads it from a public CDN (`solara.server.cdn_helper.fetch_from_cdn`).
A workshop app must not reach the internet (docs/app.md), so that download is replaced by a
refusal; Solara's static-file handler turns the refusal into "404 Not Found". The installer
(scripts/install_offline_assets.sh) puts every file the page needs in that folder.
"""
from __future__ import annotations

import logging

logger = logging.getLogger("carepath.app")


class OfflineAsset(Exception):
    """A front-end file that is not installed locally and will not be fetched."""


def refuse_fetch(url: str) -> bytes:
    logger.warning("not fetching %s: the workshop app stays offline (run scripts/install_offline_assets.sh)", url)
    raise OfflineAsset(f"not installed locally and not fetched: {url}")


def keep_offline() -> None:
    """Replace Solara's CDN download with a refusal (idempotent)."""
    from solara.server import cdn_helper

    cdn_helper.fetch_from_cdn = refuse_fetch
