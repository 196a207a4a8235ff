"""How a dashboard loads plotly.js: inline (default), one shared plotly.min.js, or the CDN; the CSP kept."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from analysis import html as H
from analysis.dashboard import write_dashboard
from dipsim.commands._common import PLOTLY_MODES

MB = 1_000_000


def csp_of(page: str) -> str:
    return re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1).replace("&#x27;", "'")


def test_the_cli_offers_the_modes_the_page_knows() -> None:
    assert PLOTLY_MODES == H.PLOTLY_MODES


def test_inline_page_carries_plotly_and_forbids_every_request(run_dir: Path) -> None:
    page = write_dashboard(run_dir).read_text(encoding="utf-8")
    assert H.plotly_js()[:2000] in page and "<script src=" not in page
    assert csp_of(page) == H.CSP and "default-src 'none'" in H.CSP
    assert not (run_dir.parent / H.SHARED_JS).exists()


def test_shared_pages_load_one_local_file(run_dir: Path, tmp_path: Path) -> None:
    tmp_path = tmp_path / "tree"
    dirs = [Path(shutil.copytree(run_dir, tmp_path / f"run{k}")) for k in range(3)]
    pages = [write_dashboard(d, "shared") for d in dirs]
    shared = tmp_path / H.SHARED_JS
    assert shared.read_text(encoding="utf-8") == H.plotly_js()
    assert sorted(p.name for p in tmp_path.iterdir()) == [H.SHARED_JS, "run0", "run1", "run2"]
    for p in pages:
        text = p.read_text(encoding="utf-8")
        assert f'<script src="../{H.SHARED_JS}"' in text and len(text.encode()) < MB
        csp = csp_of(text)
        assert "default-src 'none'" in csp and "http" not in csp and "script-src 'self' file:" in csp


def test_cdn_allows_only_the_plotly_cdn(run_dir: Path) -> None:
    page = write_dashboard(run_dir, "cdn").read_text(encoding="utf-8")
    csp = csp_of(page)
    assert f"script-src {H.CDN} " in csp and csp.count("http") == 1
    assert re.search(r'<script src="https://cdn\.plot\.ly/plotly-[0-9.]+\.min\.js"', page)


def test_unknown_mode_is_refused(run_dir: Path) -> None:
    with pytest.raises(ValueError, match="expected one of inline, shared, cdn"):
        write_dashboard(run_dir, "bundle")
