"""Read a scenario file's text safely: regular files only, bounded size, UTF-8; every failure one located line."""

from __future__ import annotations

import os
import stat
from os import PathLike
from typing import BinaryIO

from sim.errors import Problem, ScenarioError
from sim.limits import lift, limit


def _read_at_most(f: BinaryIO, n: int, chunk: int = 2**20) -> bytes:
    """At most ``n`` bytes, read a chunk at a time (a huge ``n`` allocates nothing up front)."""
    parts, got = [], 0
    while got < n:
        part = f.read(min(chunk, n - got))
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _fatal(file: str, line: int, col: int, message: str) -> ScenarioError:
    return ScenarioError([Problem(file, line, col, (), message)])


def read_text(path: str | PathLike[str], max_bytes: int | None = None) -> str:
    """A scenario file's text: a regular file of at most ``max_bytes`` (default the `bytes` limit) of UTF-8.

    Devices, FIFOs and directories are refused before opening, and at most ``max_bytes + 1`` bytes are read,
    so `/dev/zero` or a huge file cost nothing. Every failure is a one-line ScenarioError.
    """
    filename = str(path)
    cap = limit("bytes") if max_bytes is None else max_bytes
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise _fatal(filename, 0, 0, "is a directory, not a scenario file")
        if not stat.S_ISREG(mode):
            raise _fatal(filename, 0, 0, "not a regular file (a device, FIFO or socket); give a scenario file")
        with open(path, "rb") as f:
            raw = _read_at_most(f, cap + 1)
    except OSError as e:
        raise _fatal(filename, 0, 0, f"cannot read the file: {e.strerror or e}") from e
    if len(raw) > cap:
        raise _fatal(filename, 0, 0, f"larger than the limit of {cap} bytes for a scenario file; "
                     f"{lift('bytes', '--max-bytes')}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise _fatal(
            filename, line, col, f"not UTF-8 text (byte 0x{raw[e.start]:02x}); save the file as UTF-8"
        ) from e
