"""Copy's and Edit's text, as the browser computes it from a message's parts."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from reflex.vars import Var

from app.ui.components.message_tools import _markdown
from app.ui.transcript import TranscriptMessage, TranscriptPart


def _in_the_browser(message: TranscriptMessage) -> str:
    """The Markdown the page's expression makes of `message` as the state sends it (run in the
    venv's Node, as the page's JavaScript)."""
    expression = _markdown(Var(_js_expr="message", _var_type=TranscriptMessage).guess_type())
    sent = json.dumps(dataclasses.asdict(message))
    script = f"const message = {sent}; process.stdout.write(JSON.stringify({expression._js_expr}));"
    node = Path(sys.executable).parent / "node"
    done = subprocess.run(
        [str(node) if node.exists() else "node", "-e", script],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_copy_takes_the_text_blocks_as_markdown_and_leaves_the_cards() -> None:
    message = TranscriptMessage(
        7,
        "assistant",
        "complete",
        parts=[
            TranscriptPart("text", text="**Setting** it."),
            TranscriptPart("tool", tool_name="set_room_temperature"),
            TranscriptPart("effect", text="Temperature in kitchen changed from 22 to 19"),
            TranscriptPart("text", text="Done.\n"),
        ],
    )
    assert _in_the_browser(message) == "**Setting** it.\n\nDone."
    assert _in_the_browser(TranscriptMessage(8, "assistant", "complete")) == ""
