"""A file in a chat request's new user message: a `file` part, its bytes inline as a base64
`data:` URL (useChat's `url`, assistant-ui's `data`), with its media type and name.

Only the shape is checked here (the schema says it exactly); whether the bytes are a file
Hearth reads, and within the limits, is the engine's to say (415 and 413).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, model_validator
from pydantic.functional_validators import AfterValidator

from app.api.refusals import ApiModel, Described, drop_when, read_without, refusal, says

# A base64 `data:` URL, exactly (no empty file): what FileReader.readAsDataURL makes.
DATA_URL = (
    "^data:[^,]*;base64,(?:[A-Za-z0-9+/]{4})*"
    "(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$"
)
_DATA_URL = re.compile(DATA_URL)
# A file sent without a name (assistant-ui's images) is "attachment" with the ending of the
# media type the client says (the content still decides what the file is; among text
# documents, the name tells CSV and Markdown apart).
_ENDINGS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
    "application/json": ".json",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "text/markdown": ".md",
}


@dataclass(frozen=True)
class InlineFile:
    """A file sent inline: its name and bytes."""

    name: str
    data: bytes


def _data_url(value: str) -> str:
    if not _DATA_URL.match(value):
        shown = value[:40] + ("…" if len(value) > 40 else "")
        raise refusal(
            "must be a base64 `data:` URL (data:<type>;base64,<bytes>): Hearth takes files "
            f"inline; got {shown!r}."
        )
    return value


DataUrl = Annotated[
    str,
    says("must be a string: a base64 `data:` URL."),
    AfterValidator(_data_url),
    Described({"pattern": DATA_URL}),
]


def _url_or_data(schema: dict[str, Any]) -> None:
    read_without("data", "url")(schema)
    schema["anyOf"] = [{"required": ["url"]}, {"required": ["data"]}]


class FilePart(ApiModel):
    """A file the person attached: images (PNG, JPEG, WebP, GIF) and documents (plain text,
    Markdown, CSV, JSON, PDF), told by their content."""

    model_config = ConfigDict(json_schema_extra=_url_or_data)

    type: Literal["file"]
    media_type: Annotated[str, says("must be a string: the file's media type.")]
    url: DataUrl = None
    data: DataUrl = None
    filename: Annotated[str, says("must be a string.")] = ""

    @model_validator(mode="before")
    @classmethod
    def _url_first(cls, data: Any) -> Any:
        return drop_when(data, "data", "url")

    @model_validator(mode="after")
    def _has_bytes(self) -> FilePart:
        if not {"url", "data"} & self.model_fields_set:
            raise refusal("has neither `url` nor `data`: the file as a base64 `data:` URL.")
        return self

    def inline(self) -> InlineFile:
        """The file's name and bytes."""
        url = self.url if "url" in self.model_fields_set else self.data
        try:
            data = base64.b64decode(str(url).split(",", 1)[1], validate=True)
        except (binascii.Error, IndexError):  # the pattern has made sure: never here
            data = b""
        name = self.filename or "attachment" + _ENDINGS.get(self.media_type, "")
        return InlineFile(name, data)
