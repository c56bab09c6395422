"""The CSP: exactly the build's inline scripts by hash, images only from the app itself."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from app.api.content_policy import (
    built_script_hashes,
    content_security_policy,
    inline_script_hashes,
)


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_inline_scripts_are_hashed_and_scripts_with_a_src_are_not() -> None:
    html = (
        '<script src="/assets/a.js"></script><script>window.x = 1;</script>'
        '<script type="module" async="">\nimport "/assets/m.js";\n</script>'
        "<SCRIPT>window.x = 1;</SCRIPT>"
    )
    assert inline_script_hashes(html) == [_sha("window.x = 1;"), _sha('\nimport "/assets/m.js";\n')]


def test_a_build_gives_every_pages_scripts_once(tmp_path: Path) -> None:
    (tmp_path / "login").mkdir()
    (tmp_path / "index.html").write_text("<script>one()</script><script>two()</script>")
    (tmp_path / "login" / "index.html").write_text("<script>two()</script>")
    (tmp_path / "app.js").write_text("<script>not a page()</script>")
    assert built_script_hashes(tmp_path) == (_sha("one()"), _sha("two()"))
    assert built_script_hashes(tmp_path / "missing") == ()


def test_the_policy_allows_no_other_inline_script_and_no_foreign_image() -> None:
    policy = dict(
        directive.split(" ", 1) for directive in content_security_policy([_sha("a()")]).split("; ")
    )
    assert policy["script-src"] == f"'self' 'unsafe-eval' {_sha('a()')}"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert policy["object-src"] == "'none'"
