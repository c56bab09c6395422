"""The live end of a streaming reply: a small client-side component fed only new text."""

from __future__ import annotations

import reflex as rx


class HearthStream(rx.Component):
    """Shows the text streamed under one key (see assets/hearth_stream.jsx)."""

    library = "$/public/hearth_stream.jsx"
    tag = "HearthStream"
    stream_key: rx.Var[str]


hearth_stream = HearthStream.create


class HearthStreamRoot(rx.Component):
    """Wraps the whole app so the stream hook is installed before any page loads."""

    library = "$/public/hearth_stream.jsx"
    tag = "HearthStreamRoot"


hearth_stream_root = HearthStreamRoot.create
