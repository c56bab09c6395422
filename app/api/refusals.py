"""Request bodies as pydantic models whose refusals read like the rest of Hearth's: a 400
naming the field at fault (a dotted path) and saying what is allowed.

A field says its own rule (`says`); a union picks its one member from the value (`choice`),
so a refusal names the member's field, not every member's. `refused` turns the first error
pydantic found into the API's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, NoReturn, TypeVar, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    GetJsonSchemaHandler,
    Tag,
    ValidationError,
    WrapValidator,
    model_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, ErrorDetails, PydanticCustomError

from app.api.errors import ApiError, bad_request

M = TypeVar("M", bound=BaseModel)
# Where the OpenAPI description keeps the models' schemas (and a few a model refers to).
COMPONENTS = "#/components/schemas/"
REFUSED = "refused"
# Union members' tags: pydantic puts them in an error's path; the wire has no such field.
_TAGS: set[str] = set()


def refusal(message: str) -> PydanticCustomError:
    """An error pydantic reports with `message` as it is."""
    return PydanticCustomError(REFUSED, "{message}", {"message": message})


class ApiModel(BaseModel):
    """A JSON object of a request or an answer: camelCase on the wire (and only there: no
    `thread_id` for `threadId`), strict types (no "yes" for true), and fields Hearth does not
    read kept (clients send more)."""

    model_config = ConfigDict(strict=True, extra="allow", alias_generator=to_camel)
    # How a value that is no JSON object is refused: in these words at its own path, or
    # (None) as an object without any field, so the first required field says its rule.
    not_an_object: ClassVar[str | None] = "must be a JSON object."

    @model_validator(mode="before")
    @classmethod
    def _absent_is_null(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            if cls.not_an_object is not None:
                raise refusal(cls.not_an_object)
            data = {}
        # A required field that is absent is refused in its own words, as null would be.
        by_name = cls.model_config.get("validate_by_name", False)
        absent = {
            field.alias or name: None
            for name, field in cls.model_fields.items()
            if field.is_required() and not {field.alias, name if by_name else None} & data.keys()
        }
        return {**data, **absent} if absent else data


class ApiAnswer(ApiModel):
    """A JSON object the API answers with, built in Python by field name."""

    model_config = ConfigDict(validate_by_name=True)


def says(rule: str | Callable[[Any], str]) -> WrapValidator:
    """Refuse a wrong value with `rule` (or `rule(value)`), whatever pydantic found wrong;
    for a value whose own type is right but holds a wrong item, that item's refusal."""

    def validate(value: Any, handler: Callable[[Any], Any]) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            # An item's refusal, or one a check inside gave in its own words, stands.
            if any(_path(e["loc"]) or e["type"] == REFUSED for e in exc.errors()):
                raise
            raise refusal(rule(value) if callable(rule) else rule) from None

    return WrapValidator(validate)


def choice(pick: Callable[[Any], str | None], otherwise: str, **members: Any) -> Any:
    """A union validated by the one member `pick` names for the value (`None`: refused with
    `otherwise`). In the JSON schema it is a `oneOf`: members must not overlap."""
    _TAGS.update(members)
    tagged = tuple(Annotated[kind, Tag(tag)] for tag, kind in members.items())
    return Annotated[
        Union[tagged],  # noqa: UP007 (a tuple of types cannot be written with |)
        Discriminator(pick, custom_error_type=REFUSED, custom_error_message=otherwise),
    ]


def json_kind(value: Any) -> str:
    """The JSON type of a parsed value: object, array, string, number, boolean or null."""
    if value is None:
        return "null"
    kinds = ((bool, "boolean"), (int | float, "number"), (str, "string"), (list, "array"))
    return next((kind for cls, kind in kinds if isinstance(value, cls)), "object")


def by_kind(otherwise: str, **members: Any) -> Any:
    """A union of one member per JSON type (`string=str, array=list[Part]`); a value of
    another type refused with `otherwise`."""
    return choice(
        lambda v: f"<{json_kind(v)}>" if json_kind(v) in members else None,
        otherwise,
        **{f"<{kind}>": member for kind, member in members.items()},
    )


@dataclass(frozen=True, eq=False)  # hashed by identity: a union's members are hashed
class Described:
    """Keys added to the JSON schema pydantic makes for a type (or, `instead`, its whole
    schema): rules a check outside the type enforces (the engine's, or what follows from
    where a value stands)."""

    keys: dict[str, Any]
    instead: bool = False

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        if self.instead:
            return self.keys
        schema = handler(core_schema)
        if "$ref" in schema:
            return {"allOf": [schema], **self.keys}
        return {**schema, **self.keys}


def is_typed(value: Any) -> bool:
    """Whether `value` is an object with a string `type` (a part, or a tool's output)."""
    return isinstance(value, dict) and isinstance(value.get("type"), str)


def _path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(step) for step in loc if step not in _TAGS)


def _message(error: ErrorDetails) -> str:
    said = error["msg"]
    if error["type"] == REFUSED:
        return said
    if said.startswith("Input should be "):
        return f"must be {said.removeprefix('Input should be ')}, not {error['input']!r}."
    return f"{said[0].lower()}{said[1:]}; got {error['input']!r}."


def fail_at(loc: tuple[int | str, ...], message: str, value: Any = None) -> NoReturn:
    """Refuse, from inside a validator, the value at `loc` below the one being validated."""
    raise ValidationError.from_exception_data(
        "refused", [{"type": refusal(message), "loc": loc, "input": value}]
    )


def validated_at(model: type[M], data: Any, *loc: int | str) -> M:
    """`data` as a `model`, from inside a validator of what holds it at `loc`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        path = tuple(step for step in error["loc"] if step not in _TAGS)
        fail_at((*loc, *path), _message(error), error["input"])


def refused(exc: ValidationError, where: str = "") -> ApiError:
    """The 400 for the first thing pydantic found wrong, naming its field (`where` first)."""
    error = exc.errors()[0]
    path = ".".join(p for p in (where, _path(error["loc"])) if p)
    return bad_request(path or "body", _message(error))


def validated(model: type[M], data: Any, where: str = "") -> M:
    """`data` as a `model`, or the 400 saying what is wrong with it (at `where`)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise refused(exc, where) from None


def read_without(field: str, first: str) -> Callable[[dict[str, Any]], None]:
    """Edit a model's JSON schema to say `field` is read (and checked) only without `first`,
    as the model's validator drops it when both are sent."""

    def edit(schema: dict[str, Any]) -> None:
        properties = schema["properties"]
        rule = properties[field]
        properties[field] = {
            "description": f"Not read when `{first}` is sent.",
            "allOf": [{"$ref": f"{COMPONENTS}JsonValue"}],
        }
        schema.setdefault("allOf", []).append(
            {"if": {"required": [first]}, "else": {"properties": {field: rule}}}
        )

    return edit


def drop_when(data: Any, field: str, first: str) -> Any:
    """`data` without `field` when it has `first` (which is read instead)."""
    if isinstance(data, dict) and first in data and field in data:
        return {key: value for key, value in data.items() if key != field}
    return data
