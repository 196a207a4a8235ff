"""Check and create an output directory (`--out`) before any work: never a file, never someone else's folder.

A path that is, or lies under, a file is refused; so is a non-empty directory that holds no dipsim output
(unless ``force``), so sweep files never land silently beside a user's own files. Refusals are one line.
"""

from __future__ import annotations

from pathlib import Path

from sim.errors import UsageError

MARKERS = ("manifest.json", "plan.json", "summary.json")  # what every dipsim output directory holds


class OutError(UsageError):
    """An unusable --out; ``str()`` is one line naming the path and the fix."""


def is_dipsim_output(path: Path) -> bool:
    """Whether ``path`` is a directory a dipsim command wrote (run, sweep or comparison)."""
    return any((path / m).is_file() for m in MARKERS)


def prepare_out(out: Path, force: bool = False, *, create: bool = True) -> Path:
    """Create ``out`` (and its parents) if needed (``create``); OutError if it cannot be a dipsim output directory."""
    for place in (out, *out.parents):
        if place.is_dir():
            break
        if place.exists() or place.is_symlink():
            what = "is a file" if place == out else f"lies under {place}, which is a file"
            raise OutError(f"--out {out}: {what}, not a directory; give a directory path")
    if out.is_dir() and not force and not is_dipsim_output(out):
        entries = sorted(p.name for p in out.iterdir())
        if entries:
            shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            raise OutError(f"--out {out}: the directory holds {len(entries)} entries that are not a dipsim output "
                           f"({shown}); give a new or empty directory, or --force to write beside them")
    if not create:
        return out
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutError(f"--out {out}: cannot create the directory: {e.strerror or e}") from e
    return out
