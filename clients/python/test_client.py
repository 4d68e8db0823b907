"""Tests of speculative_diffusion.py: `python3 -m unittest` in this folder (stream parsing only), or
`python3 test_client.py http://127.0.0.1:8787 [LOCKED_URL]` (also against a running Worker, and
against a second one that requires the token in the TEST_TOKEN environment variable). test/clients/python.test.ts
starts the Worker bundle and runs this file.
"""

import json
import os
import sys
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import speculative_diffusion as sd  # noqa: E402

if __name__ == "__main__":
    # python3 test_client.py [URL [LOCKED_URL]]: the same as the environment variables.
    for _name, _value in zip(("SPECULATIVE_DIFFUSION_URL", "SPECULATIVE_DIFFUSION_LOCKED_URL"), sys.argv[1:3]):
        os.environ[_name] = _value

URL = os.environ.get("SPECULATIVE_DIFFUSION_URL", "")
LOCKED_URL = os.environ.get("SPECULATIVE_DIFFUSION_LOCKED_URL", "")
TOKEN = os.environ.get("TEST_TOKEN", "")

REQUEST = dict(num_samples=4, steps=20, method="block", draft={"window": 4}, seed=7)


class ParseSse(unittest.TestCase):
    def test_crlf_cr_and_lf_lines_split_anywhere(self):
        text = (
            b'event: round\r\ndata: {"round": 1}\r\n\r\n'
            b": a comment\rid: 3\revent: round\rdata: {\"round\":\r\r"
            b"event: result\ndata: line one\ndata:line two\n\n"
        )
        expected = [("round", '{"round": 1}'), ("round", '{"round":'), ("result", "line one\nline two")]
        # Every split point, CR/LF pairs included, gives the same events.
        for cut in range(len(text) + 1):
            self.assertEqual(list(sd.parse_sse([text[:cut], text[cut:]])), expected, f"split at {cut}")
        self.assertEqual(list(sd.parse_sse([bytes([b]) for b in text])), expected)

    def test_default_name_and_an_event_cut_off_at_the_end(self):
        # The last event has no blank line after it: the stream ended inside it, so it is dropped.
        self.assertEqual(list(sd.parse_sse([b"data: 1\r\n\r\nevent: result\r\ndata: 2\r\n"])), [("message", "1")])
        self.assertEqual(list(sd.parse_sse([b"data: 1\r\r"])), [("message", "1")])

    def test_utf8_split_inside_a_character(self):
        text = 'data: "é"\n\n'.encode("utf-8")
        cut = text.index(b"\xc3") + 1
        self.assertEqual(list(sd.parse_sse([text[:cut], text[cut:]])), [("message", '"é"')])


class NonApiErrors(unittest.TestCase):
    """A proxy's answer that is not the API's error body."""

    def test_html_error_page(self):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["content-length"]))
                body = b"<html>bad gateway</html>"
                self.send_response(502)
                self.send_header("content-type", "text/html")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with self.assertRaises(sd.ApiError) as ctx:
                sd.samples(f"http://127.0.0.1:{server.server_address[1]}", "ring-2d")
            self.assertEqual((ctx.exception.status, ctx.exception.code, ctx.exception.field), (502, "http_502", None))
            self.assertIn("bad gateway", ctx.exception.message)
        finally:
            server.shutdown()
            server.server_close()


@unittest.skipUnless(URL, "no Worker URL (pass it as the first argument or SPECULATIVE_DIFFUSION_URL)")
class AgainstWorker(unittest.TestCase):
    def test_samples_npy(self):
        x = sd.samples(URL, "ring-2d", **REQUEST)
        self.assertIsInstance(x, np.ndarray)
        self.assertEqual((x.shape, x.dtype), ((4, 2), np.float32))
        self.assertTrue(np.isfinite(x).all())
        # The same seed in JSON gives the same float32 values: the npy parse is exact.
        answer = json.loads(_post_json(URL, dict(model="ring-2d", **REQUEST)))
        np.testing.assert_array_equal(x, sd.result_array(answer))

    def test_inline_mixture(self):
        x = sd.samples(URL, {"type": "gmm", "means": [[3, 3, 3], [-3, -3, -3]], "std": 0.1}, num_samples=64, seed=1)
        self.assertEqual(x.shape, (64, 3))
        # Every sample is near one of the two means.
        self.assertTrue(np.all(np.abs(np.abs(x) - 3) < 1.0))

    def test_stream_rounds_then_result(self):
        events = list(sd.stream(URL, "ring-2d", **REQUEST))
        self.assertEqual(events[-1].event, "result")
        rounds = [ev.data for ev in events[:-1]]
        self.assertTrue(rounds, "no round event")
        self.assertTrue(all(ev.event == "round" for ev in events[:-1]))
        numbers = [r["round"] for r in rounds]
        self.assertEqual(numbers, sorted(set(numbers)))
        self.assertEqual(rounds[-1]["committed"], [20, 20, 20, 20])
        result = events[-1].data
        self.assertEqual(result["seed"], 7)
        self.assertEqual(result["stats"]["rounds"], numbers[-1])
        np.testing.assert_array_equal(sd.result_array(result), sd.samples(URL, "ring-2d", **REQUEST))

    def test_stream_closed_early(self):
        it = sd.stream(URL, "ring-2d", **REQUEST)
        self.assertEqual(next(it).event, "round")
        it.close()
        # The Worker keeps serving after a client left mid-stream.
        self.assertEqual(sd.samples(URL, "ring-2d", num_samples=2, seed=1).shape, (2, 2))

    def test_422_names_the_field(self):
        for call in (sd.samples, lambda *a, **k: list(sd.stream(*a, **k))):
            with self.assertRaises(sd.ApiError) as ctx:
                call(URL, "ring-2d", draft={"window": 99})
            e = ctx.exception
            self.assertEqual((e.status, e.code, e.field), (422, "invalid_request", "draft.window"))
        with self.assertRaises(sd.ApiError) as ctx:
            sd.samples(URL, "no-such-model")
        self.assertEqual((ctx.exception.status, ctx.exception.field), (422, "model"))

    @unittest.skipUnless(LOCKED_URL and TOKEN, "no second Worker with API_TOKEN")
    def test_token(self):
        with self.assertRaises(sd.ApiError) as ctx:
            sd.samples(LOCKED_URL, "ring-2d", seed=1)
        self.assertEqual((ctx.exception.status, ctx.exception.code), (401, "unauthorized"))
        self.assertEqual(sd.samples(LOCKED_URL, "ring-2d", seed=1, token=TOKEN).shape, (1, 2))
        self.assertEqual(list(sd.stream(LOCKED_URL, "ring-2d", seed=1, steps=10, token=TOKEN))[-1].event, "result")


def _post_json(url, body):
    import urllib.request

    req = urllib.request.Request(url.rstrip("/") + "/v1/samples", data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as res:
        return res.read()


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
