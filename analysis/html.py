"""The dashboard page: a self-contained HTML template and escaped text blocks (tables, lists, quotes)."""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plotly
import plotly.graph_objects as go
import plotly.io as pio

from analysis.columns import Columns
from analysis.figures.common import template
from analysis.figures.spec import Spec, encoded

if TYPE_CHECKING:
    import pandas as pd

# No network at all: scripts and styles only inline, images only from data:/blob: URLs (plotly's PNG export).
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:"
)
# How a page gets plotly.js: inline (one copy per page, opens anywhere offline), shared (one plotly.min.js in the
# page directory's parent, for every page under it; offline), cdn (from cdn.plot.ly: needs the network).
PLOTLY_MODES = ("inline", "shared", "cdn")
SHARED_JS = "plotly.min.js"
CDN = "https://cdn.plot.ly"
CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"scale": 2}}
MAX_TABLE_ROWS = 2000

CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --bg: #f7f9fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: var(--ink); background: var(--bg); }
main { max-width: 1280px; margin: 0 auto; padding: 16px 28px 64px; }
header { padding: 8px 0 4px; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.6rem; margin: 8px 0 4px; }
h2 { font-size: 1.25rem; margin: 36px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
.meta, .note { color: var(--muted); }
.note { font-style: italic; }
nav { position: sticky; top: 0; z-index: 10; background: var(--bg); padding: 6px 0; font-size: 0.9rem;
      border-bottom: 1px solid var(--line); }
nav a { margin-right: 14px; color: #0b69a3; text-decoration: none; }
.story { font-size: 1.05rem; background: #fff; border: 1px solid var(--line); border-radius: 6px;
         padding: 10px 18px 10px 36px; }
.story li { margin: 4px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 150px; }
.card .k { color: var(--muted); font-size: 0.8rem; }
.card .v { font-size: 1.15rem; font-weight: 600; }
.fig { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 12px 0; padding: 4px; }
.scroll { max-height: 520px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { position: sticky; top: 0; background: #eef2f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
blockquote { margin: 8px 0; padding: 6px 14px; border-left: 4px solid #9fb3c8; background: #fff; }
blockquote .what { display: block; color: var(--muted); font-size: 0.85rem; }
"""


def esc(value: object) -> str:
    """Escape any value as HTML text."""
    return html.escape("" if value is None else str(value))


def para(text: str, cls: str | None = None) -> str:
    """An escaped paragraph."""
    attr = f' class="{esc(cls)}"' if cls else ""
    return f"<p{attr}>{esc(text)}</p>"


def bullets(lines: Iterable[str], cls: str | None = None, ordered: bool = False) -> str:
    """An escaped list."""
    tag = "ol" if ordered else "ul"
    attr = f' class="{esc(cls)}"' if cls else ""
    return f"<{tag}{attr}>" + "".join(f"<li>{esc(line)}</li>" for line in lines) + f"</{tag}>"


def cards(items: Sequence[tuple[str, str]]) -> str:
    """Key figures as small cards (key above, value below), escaped."""
    body = "".join(f'<div class="card"><div class="k">{esc(k)}</div><div class="v">{esc(v)}</div></div>'
                   for k, v in items)
    return f'<div class="cards">{body}</div>'


def quotes(items: Iterable[Mapping[str, Any]]) -> str:
    """Provenance quotes: what each is about and the quoted text, escaped."""
    return "".join(
        f'<blockquote><span class="what">{esc(q.get("what"))}</span>&ldquo;{esc(q.get("quote"))}&rdquo;</blockquote>'
        for q in items
    )


def _cell(value: object) -> str:
    """One escaped table cell; numbers right-aligned and rounded."""
    if isinstance(value, bool) or value is None:
        return f"<td>{esc(value)}</td>"
    if isinstance(value, float):
        return f'<td class="num">{"" if math.isnan(value) else f"{value:.3g}"}</td>'
    if isinstance(value, int):
        return f'<td class="num">{value}</td>'
    if isinstance(value, list | tuple):
        return f"<td>{esc(', '.join(map(str, value)))}</td>"
    if isinstance(value, dict):
        return f"<td>{esc(json.dumps(value, ensure_ascii=False))}</td>"
    return f"<td>{esc(value)}</td>"


def table(df: pd.DataFrame | Columns, max_rows: int = MAX_TABLE_ROWS, scroll: bool = True) -> str:
    """An escaped HTML table of a data frame or ``Columns`` (at most ``max_rows`` rows, saying so when cut)."""
    head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    records = df.head(max_rows).records() if isinstance(df, Columns) else \
        df.head(max_rows).astype(object).itertuples(index=False)
    rows = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in records)
    out = f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if scroll:
        out = f'<div class="scroll">{out}</div>'
    if len(df) > max_rows:
        out += para(f"First {max_rows} of {len(df)} rows shown.", "note")
    return out


def figure(fig: go.Figure | Spec, div_id: str) -> str:
    """A plotly figure (graph objects or a figure dict) as a div and its script, with the dashboards' template and
    without plotly.js (the page includes it once)."""
    spec = encoded(fig) if isinstance(fig, dict) else fig.to_dict()
    layout = {k: v for k, v in spec["layout"].items() if k != "template"}
    spec["layout"] = {"template": template(), **layout}  # first, where a graph-object figure holds it
    height = spec["layout"].get("height") or 450
    body = pio.to_html(
        spec, validate=False, include_plotlyjs=False, full_html=False, div_id=div_id, config=CONFIG,
        default_width="100%", default_height=f"{height}px",
    )
    return f'<div class="fig">{body}</div>'


def plotly_js() -> str:
    """The plotly.js bundle that ships with the plotly package."""
    return resources.files(plotly).joinpath("package_data", SHARED_JS).read_text(encoding="utf-8")


def plotly_head(mode: str, page_dir: Path | None = None) -> tuple[str, str]:
    """The CSP and the <script> that load plotly.js for a page in ``page_dir``; ``shared`` writes the one
    plotly.min.js of ``page_dir``'s parent when it is missing or from another plotly version."""
    if mode == "inline":
        return CSP, f'<script type="text/javascript">{plotly_js()}</script>'
    if mode == "cdn":
        src = f"{CDN}/plotly-{plotly.__version__}.min.js"
        return CSP.replace("script-src", f"script-src {CDN}"), f'<script src="{esc(src)}" charset="utf-8"></script>'
    if mode != "shared" or page_dir is None:
        raise ValueError(f"plotly mode {mode!r}: expected one of {', '.join(PLOTLY_MODES)} (shared needs a directory)")
    target = page_dir.resolve().parent / SHARED_JS
    text = plotly_js()
    if not target.is_file() or target.stat().st_size != len(text.encode("utf-8")):
        tmp = target.with_name(f".{SHARED_JS}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)  # atomic: pages written at the same time never see half a file
    # 'self' and file: so the local file may load; still no network
    csp = CSP.replace("script-src", "script-src 'self' file:")
    return csp, f'<script src="../{SHARED_JS}" charset="utf-8"></script>'


def page(title: str, meta: Sequence[str], sections: Sequence[tuple[str, Sequence[str]]],
         head: tuple[str, str] | None = None) -> str:
    """The whole page: plotly.js once (``head`` = CSP and script from ``plotly_head``; default inline), a navigation
    bar, then titled sections of HTML parts."""
    csp, script = head or plotly_head("inline")
    nav = "".join(f'<a href="#sec-{i}">{esc(name)}</a>' for i, (name, _) in enumerate(sections))
    body = "".join(
        f'<section id="sec-{i}"><h2>{esc(name)}</h2>{"".join(parts)}</section>'
        for i, (name, parts) in enumerate(sections)
    )
    head_meta = "".join(para(m, "meta") for m in meta)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n"
        f"{script}\n</head>\n<body>\n<main>\n"
        f"<header><h1>{esc(title)}</h1>{head_meta}</header>\n<nav>{nav}</nav>\n{body}\n</main>\n</body>\n</html>\n"
    )
