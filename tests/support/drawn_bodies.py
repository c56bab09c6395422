"""Request bodies schemathesis draws for one schema, drawn in a process of its own.

    python -m tests.support.drawn_bodies < {"components": ..., "schema": ..., "mode": ...}

prints the bodies as JSON (a body that is bytes as {"bytes": base64}). In a whole-suite run
the drawing failed for a schema it draws from alone ("Cannot generate an array with 1
demanded elements", with the Reflex app imported by other tests), and again when retried in
that process; in a process of its own it draws the same derandomized examples every time.
"""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode


def draw(components: dict[str, Any], schema: dict[str, Any], mode: str, examples: int) -> list[Any]:
    """Up to `examples` bodies for `schema` (with the description's components)."""
    operation = {
        "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
        "responses": {"200": {"description": "Taken."}},
    }
    described = schemathesis.openapi.from_dict(
        {
            "openapi": "3.1.0",
            "info": {"title": "one schema", "version": "1"},
            "paths": {"/body": {"post": operation}},
            "components": components,
        }
    )
    drawn: list[Any] = []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        described["/body"]["POST"].as_strategy(generation_mode=GenerationMode(mode)), st.just(None)
    )
    def one(case: Any, _: None) -> None:
        drawn.append(case.body)

    one()
    return drawn


def main() -> None:
    asked = json.load(sys.stdin)
    bodies = draw(asked["components"], asked["schema"], asked["mode"], asked["examples"])
    encoded = [
        {"bytes": base64.b64encode(b).decode()} if isinstance(b, bytes) else {"json": b}
        for b in bodies
    ]
    json.dump(encoded, sys.stdout)


if __name__ == "__main__":
    main()
