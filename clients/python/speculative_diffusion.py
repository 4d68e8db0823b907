"""A client for the speculative diffusion sampling API (standard library and numpy only).

    import speculative_diffusion as sd
    x = sd.samples("http://localhost:8787", "ring-2d", num_samples=1000, seed=7)   # np.ndarray (1000, 2)
    for ev in sd.stream("http://localhost:8787", "glyphs", num_samples=4):
        print(ev.event, ev.data["round"] if ev.event == "round" else sd.result_array(ev.data).shape)

Errors are raised as ``ApiError`` with ``.status``, ``.code``, ``.field`` (the request path at fault).
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from typing import Any, Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple

import numpy as np

__all__ = ["ApiError", "Event", "samples", "stream", "result_array", "parse_sse"]


class ApiError(Exception):
    """An error answer: ``{"error": {"code", "message", "field"?}}`` and its HTTP status.

    An error sent inside a stream (``event: error``, after the 200 went out) has the stream's status, 200.
    A body that is not the API's error shape (a proxy's page) gives code ``http_<status>`` and its text.
    """

    def __init__(self, status: int, code: str, message: str, field: Optional[str] = None):
        super().__init__(f"{status} {code}: {message}" + (f" (field {field})" if field else ""))
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    @classmethod
    def from_body(cls, status: int, body: bytes) -> "ApiError":
        try:
            error = json.loads(body.decode("utf-8"))["error"]
            if isinstance(error.get("code"), str) and isinstance(error.get("message"), str):
                return cls(status, error["code"], error["message"], error.get("field"))
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
        text = body.decode("utf-8", "replace").strip()[:200]
        return cls(status, f"http_{status}", text or "no error body")


class Event(NamedTuple):
    """A stream event: ``event`` is ``"round"`` (progress) or ``"result"`` (the JSON answer)."""

    event: str
    data: Dict[str, Any]


def _request_body(model: Any, num_samples: int, steps, method, draft, seed, scheduler, output: str, stream: bool) -> Dict[str, Any]:
    body: Dict[str, Any] = {"model": model, "num_samples": num_samples, "output": output, "stream": stream}
    for key, value in (("steps", steps), ("method", method), ("draft", draft), ("seed", seed), ("scheduler", scheduler)):
        if value is not None:
            body[key] = value
    return body


def _post(base_url: str, body: Dict[str, Any], token: Optional[str], accept: str, timeout: float):
    headers = {"content-type": "application/json", "accept": accept}
    if token:
        headers["authorization"] = f"Bearer {token}"
    req = urllib.request.Request(
        base_url.rstrip("/") + "/v1/samples", data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
    )
    try:
        return urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as err:
        with err:
            raise ApiError.from_body(err.code, err.read()) from None


def samples(
    base_url: str,
    model: Any,
    num_samples: int = 1,
    steps: Optional[int] = None,
    method: Optional[str] = None,
    draft: Optional[Dict[str, Any]] = None,
    seed: Optional[int] = None,
    scheduler: Optional[Dict[str, Any]] = None,
    token: Optional[str] = None,
    timeout: float = 120.0,
) -> np.ndarray:
    """POST /v1/samples as ``output: "npy"``: a float32 array of shape ``(num_samples, *model shape)``.

    ``model`` is a model id or an inline mixture dict; omitted options take the model's defaults.
    """
    body = _request_body(model, num_samples, steps, method, draft, seed, scheduler, "npy", False)
    with _post(base_url, body, token, "application/x-npy", timeout) as res:
        return np.load(io.BytesIO(res.read()), allow_pickle=False)


def stream(
    base_url: str,
    model: Any,
    num_samples: int = 1,
    steps: Optional[int] = None,
    method: Optional[str] = None,
    draft: Optional[Dict[str, Any]] = None,
    seed: Optional[int] = None,
    scheduler: Optional[Dict[str, Any]] = None,
    token: Optional[str] = None,
    timeout: float = 120.0,
) -> Iterator[Event]:
    """POST /v1/samples with ``stream: true``: yields ``Event("round", {...})`` progress events, then one
    ``Event("result", answer)`` with the JSON answer (``result_array`` turns it into an array).

    Raises ``ApiError`` for an error answer or an in-band ``event: error``. Closing the generator early
    (``break``) closes the connection, which stops the run on the server.
    """
    body = _request_body(model, num_samples, steps, method, draft, seed, scheduler, "json", True)
    res = _post(base_url, body, token, "text/event-stream", timeout)
    with res:
        chunks = iter(lambda: res.read1(65536), b"")
        for name, data in parse_sse(chunks):
            payload = json.loads(data)
            if name == "error":
                err = payload.get("error", {}) if isinstance(payload, dict) else {}
                raise ApiError(res.status, str(err.get("code", "stream_error")), str(err.get("message", data)), err.get("field"))
            if name == "round":
                yield Event("round", payload)
            elif name == "result":
                yield Event("result", payload)
                return
    raise ApiError(res.status, "incomplete_stream", "the stream ended without a result event")


def result_array(answer: Dict[str, Any]) -> np.ndarray:
    """The samples of a JSON answer (a stream's result) as a float32 array of its shape."""
    s = answer["samples"]
    return np.asarray(s["data"], dtype=np.float32).reshape(s["shape"])


def _lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """Splits a byte stream into lines ended by CRLF, LF or CR (the SSE rule), across chunk boundaries."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        start = 0
        while True:
            cr, lf = buffer.find(b"\r", start), buffer.find(b"\n", start)
            if cr < 0 and lf < 0:
                break
            if cr >= 0 and (lf < 0 or cr < lf):
                if cr + 1 == len(buffer):
                    break  # a CR at the end of the chunk: its LF may be in the next one
                yield buffer[start:cr].decode("utf-8")
                start = cr + 2 if buffer[cr + 1 : cr + 2] == b"\n" else cr + 1
            else:
                yield buffer[start:lf].decode("utf-8")
                start = lf + 1
        buffer = buffer[start:]
    if buffer.endswith(b"\r"):
        yield buffer[:-1].decode("utf-8")  # a CR ending the stream ends its line


def parse_sse(chunks: Iterable[bytes]) -> Iterator[Tuple[str, str]]:
    """Server-Sent Events from byte chunks: ``(event name, data)`` per dispatched event (``event:`` and
    ``data:`` fields, multi-line data joined by newlines, comments and other fields ignored). An event is
    dispatched at its blank line; one cut off by the end of the stream is dropped, as the SSE spec says."""
    name, data = "", []  # type: str, List[str]
    for line in _lines(chunks):
        if line == "":
            if data:
                yield (name or "message", "\n".join(data))
            name, data = "", []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
