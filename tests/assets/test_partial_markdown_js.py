"""The browser's partial-markdown mender, run in node, agrees with the server's
(`app/ui/partial_markdown.py`) on every case the server's tests hold and on every prefix of
replies as they stream."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from app.ui.partial_markdown import mend_partial_markdown
from tests.assets.test_stream_store import _node

MENDER = Path(__file__).resolve().parents[2] / "assets" / "hearth_partial_markdown.mjs"

REPLIES = [
    "Done:\n\n- **kitchen**: 19 °C (was 22 °C)\n- **bedroom**: 18 °C\n\nAnything *else*?",
    "See [the docs](https://example.org/a_b) or use `set_room_temperature` with *care*.",
    "```python\nprint('*')\n```\n\nThen __bold__ and ~~gone~~ and 2 * 3 = 6.",
    "1. one\n2. two _with_ snake_case\n\n## Heading\n\na \\* escaped *star*",
]


def _mend_in_node(texts: list[str]) -> list[str]:
    script = (
        f"import {{ mendPartialMarkdown }} from {json.dumps(MENDER.as_uri())};\n"
        "let input = '';\n"
        "process.stdin.on('data', (chunk) => { input += chunk; });\n"
        "process.stdin.on('end', () => process.stdout.write(\n"
        "  JSON.stringify(JSON.parse(input).map(mendPartialMarkdown))));\n"
    )
    done = subprocess.run(
        [_node(), "--input-type=module", "-e", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_browser_mends_every_prefix_as_the_server_does() -> None:
    from tests.ui.test_partial_markdown import CUT, FINISHED

    texts = [cut for cut, _ in CUT] + FINISHED
    texts += [reply[:end] for reply in REPLIES for end in range(len(reply) + 1)]
    expected = [mend_partial_markdown(text) for text in texts]
    differ = [
        (text, want, got)
        for text, want, got in zip(texts, expected, _mend_in_node(texts), strict=True)
        if want != got
    ]
    assert differ == [], differ[:5]
