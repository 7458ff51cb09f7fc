"""One encode and one validating decode per message type.

Every message the flight side owns is a frozen `msgspec.Struct`; one encoder serves them all
and a `Codec` holds the cached decoder of one type. Decoding checks every field's type and range
as the type declares it (`flightsw.icd.fields`) and raises `MessageError` in words
(`flightsw.icd.refusals`).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec

from flightsw.icd.refusals import refusal

T = TypeVar("T")


def _plain(value: Any) -> Any:
    """What msgpack-python packed as its base type (numpy's float64 is a float) packs the same."""
    if isinstance(value, float):
        return float(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return bytes(value)
    raise NotImplementedError(f"{type(value).__name__} cannot go on the link")


ENCODER = msgspec.msgpack.Encoder(enc_hook=_plain)
EMPTY_MAP = b"\x80"


class Codec(Generic[T]):
    """Encode values of `type_`; decode octets into one, validated, or raise MessageError.

    `what` names the message in refusals (the struct's own name by default).
    """

    def __init__(self, type_: Any, what: str | None = None) -> None:
        self.type = type_
        self.what: str = what or str(getattr(type_, "__name__", "message"))
        self.decoder: msgspec.msgpack.Decoder[T] = msgspec.msgpack.Decoder(type_)

    def encode(self, value: T) -> bytes:
        return ENCODER.encode(value)

    def decode(self, data: bytes) -> T:
        try:
            return self.decoder.decode(data)
        except msgspec.DecodeError as error:  # a ValidationError is one too
            raise refusal(self.what, self.type, error, data=data) from None

    def convert(self, value: Any) -> T:
        """Check plain data (a control request's fields, say) as a decode would."""
        try:
            result: T = msgspec.convert(value, self.type)
        except msgspec.ValidationError as error:
            raise refusal(self.what, self.type, error, value=value) from None
        return result


def to_plain(value: Any) -> Any:
    """A message as plain maps, lists and scalars (bytes stay bytes), fields in their order."""
    return msgspec.to_builtins(value, builtin_types=(bytes, bytearray), enc_hook=_plain)
