"""A small HTTP/1.1 load generator over raw asyncio streams, run as its own process.

``python bench/loadgen.py SPEC.json`` reads a spec and prints one JSON result on stdout. Modes:

* ``fire``: send a list of requests (or one request ``repeat`` times) through ``connections``
  concurrent keep-alive connections pulling from one queue; every request is encoded to bytes
  before the clock starts and timed on its own. Returns throughput, latency percentiles and
  status counts (and, with ``keep``, each response's headers and body).
* ``prepare``: for each personal sign-in token, GET ``/l/<token>`` (unless ``sign_in`` is
  false, for owners whose code is in the page's path) and then the ballot page with the
  cookies it set, and return each session's cookies and CSRF token — the work a phone
  does before the vote opens, kept off the clock.
* ``room``: a room of phones. Every poller (2,000 phones on their ballot page's change
  check, the convener's progress, the projector's panel) asks its URL at its own interval,
  from a random start, for the whole run, sending back the ETag it last got (as htmx does
  through the browser's cache); after ``warmup`` seconds the ballot burst runs on top, through
  its own connections, then the polls go on for ``cooldown`` seconds. Returns the burst's
  figures and the polls' (rate, share answered 304, latencies, errors), and how late the
  client itself was: the event loop's lag, sampled every 10 ms, shows whether the load
  generator kept up with its own schedule.
* ``weight``: GET a page and every same-host stylesheet and script it references, as a
  browser would (``Accept-Encoding: gzip, br``), and report the bytes on the wire and any
  reference to another host.

No dependency: the standard library only, so the client is the same wherever it runs. The
server may close a connection after a response (gunicorn's sync workers always do); the
client then opens a new one, as a browser would.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit


@dataclass
class Response:
    """One response as read off the wire."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    wire_bytes: int

    def header(self, name: str) -> str | None:
        """The first header of that name (case-insensitive), or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)

    def set_cookies(self) -> dict[str, str]:
        """The cookies the response sets, name → value (an empty value deletes)."""
        cookies = {}
        for key, value in self.headers:
            if key == "set-cookie":
                pair = value.split(";", 1)[0]
                name, _, val = pair.partition("=")
                cookies[name.strip()] = val.strip().strip('"') if "Max-Age=0" not in value else ""
        return cookies


def encode_request(host: str, port: int, request: dict) -> bytes:
    """Encode {"method", "path", "headers", "body"} as HTTP/1.1 bytes with keep-alive."""
    body = request.get("body", "").encode()
    lines = [f"{request.get('method', 'GET')} {request['path']} HTTP/1.1", f"Host: {host}:{port}"]
    headers = {
        "Connection": "keep-alive",
        "User-Agent": "lianxi-bench",
        **request.get("headers", {}),
    }
    if body or request.get("method", "GET") == "POST":
        headers["Content-Length"] = str(len(body))
    lines += [f"{key}: {value}" for key, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Connection:
    """One keep-alive HTTP/1.1 connection that reopens itself when the server closes it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        """Close the socket, if open."""
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def send(self, raw: bytes) -> Response:
        """Send one encoded request and read its response (reopening a stale connection once)."""
        for attempt in (1, 2):
            if self.writer is None:
                await self._open()
            try:
                self.writer.write(raw)
                await self.writer.drain()
                response, keep = await self._read()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
                continue
            if not keep:
                self.close()
            return response
        raise AssertionError("unreachable")

    async def _read(self) -> tuple[Response, bool]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = []
        for line in lines[1:]:
            if line:
                key, _, value = line.partition(":")
                headers.append((key.strip().lower(), value.strip()))
        fields = dict(headers)
        wire = len(head)
        if fields.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size_line = await self.reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                wire += len(size_line) + len(chunk)
                if size == 0:
                    break
                body += chunk[:-2]
        elif "content-length" in fields:
            body = await self.reader.readexactly(int(fields["content-length"]))
            wire += len(body)
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:
            body = await self.reader.read()
            wire += len(body)
            return Response(status, headers, body, wire), False
        keep = fields.get("connection", "").lower() != "close"
        return Response(status, headers, body, wire), keep


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(fraction * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


async def fire(spec: dict) -> dict:
    """Send every request once through ``connections`` connections; time each one."""
    host, port = spec["host"], spec["port"]
    requests = spec.get("requests") or [spec["request"]] * spec["repeat"]
    raws = [encode_request(host, port, request) for request in requests]
    queue: asyncio.Queue = asyncio.Queue()
    for index, raw in enumerate(raws):
        queue.put_nowait((index, raw))
    results: list = [None] * len(raws)
    keep = spec.get("keep", False)

    async def worker() -> None:
        connection = Connection(host, port)
        try:
            while not queue.empty():
                index, raw = queue.get_nowait()
                started = time.perf_counter()
                try:
                    response = await connection.send(raw)
                except (OSError, asyncio.IncompleteReadError) as error:
                    results[index] = (started, time.perf_counter(), 0, repr(error), None)
                    continue
                results[index] = (started, time.perf_counter(), response.status, None, response)
        finally:
            connection.close()

    workers = [worker() for _ in range(min(spec["connections"], len(raws)))]
    began = time.perf_counter()
    await asyncio.gather(*workers)
    ended = time.perf_counter()
    latencies = sorted((end - start) * 1000 for start, end, *_ in results)
    statuses: dict[str, int] = {}
    for _, _, status, _, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    expected = {str(code) for code in spec.get("expect", [200])}
    seconds = ended - began
    report = {
        "count": len(results),
        "seconds": round(seconds, 3),
        "rps": round(len(results) / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(latencies[-1], 1),
        "statuses": statuses,
        "errors": sum(n for code, n in statuses.items() if code not in expected),
        "exceptions": sorted({error for *_, error, _ in results if error})[:5],
    }
    if keep:
        report["responses"] = [
            {
                "status": status,
                "headers": response.headers if response else [],
                "body": response.body.decode("utf-8", "replace") if response else "",
            }
            for _, _, status, _, response in results
        ]
    return report


def summary(results: list, seconds: float, expected: set[str]) -> dict:
    """Throughput, latency percentiles and status counts of (start, end, status, error) rows."""
    latencies = sorted((end - start) * 1000 for start, end, *_ in results)
    statuses: dict[str, int] = {}
    for _, _, status, *_ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "count": len(results),
        "seconds": round(seconds, 3),
        "rps": round(len(results) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "max_ms": round(latencies[-1], 1) if latencies else 0.0,
        "statuses": statuses,
        "errors": sum(n for code, n in statuses.items() if code not in expected),
        "exceptions": sorted({row[3] for row in results if row[3]})[:5],
    }


async def room(spec: dict) -> dict:
    """Pollers at their intervals for the whole run, the ballot burst on top after a warm-up."""
    import random

    host, port = spec["host"], spec["port"]
    stop = asyncio.Event()
    polls: dict[str, list] = {}
    rng = random.Random(19)

    async def poller(kind: str, request: dict, interval: float) -> None:
        connection = Connection(host, port)
        etag = None
        rows = polls.setdefault(kind, [])
        next_at = time.perf_counter() + rng.uniform(0, interval)
        try:
            while not stop.is_set():
                delay = next_at - time.perf_counter()
                if delay > 0:
                    try:
                        await asyncio.wait_for(stop.wait(), delay)
                        break
                    except TimeoutError:
                        pass
                headers = dict(request.get("headers", {}))
                if etag:
                    headers["If-None-Match"] = etag
                raw = encode_request(host, port, {**request, "headers": headers})
                started = time.perf_counter()
                try:
                    response = await connection.send(raw)
                except (OSError, asyncio.IncompleteReadError) as error:
                    rows.append((started, time.perf_counter(), 0, repr(error), started - next_at))
                else:
                    rows.append((started, time.perf_counter(), response.status, None, 0.0))
                    etag = response.header("etag") or etag
                next_at += interval
                if next_at < time.perf_counter():  # a late answer: ask again at once, once
                    next_at = time.perf_counter()
        finally:
            connection.close()

    lags: list[float] = []

    async def ticker() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - before - 0.01) * 1000)

    tasks = [asyncio.create_task(ticker())]
    for group in spec["pollers"]:
        for request in group["requests"]:
            tasks.append(asyncio.create_task(poller(group["kind"], request, group["interval"])))
    began = time.perf_counter()
    await asyncio.sleep(spec.get("warmup", 6))
    burst_began = time.perf_counter()
    burst = await fire(
        {
            "host": host,
            "port": port,
            "requests": spec["ballots"],
            "connections": spec["connections"],
            "expect": spec.get("expect", [200]),
        }
    )
    burst_ended = time.perf_counter()
    await asyncio.sleep(spec.get("cooldown", 3))
    stop.set()
    await asyncio.gather(*tasks)
    ended = time.perf_counter()
    expected = {"200", "304"}
    report = {"burst": burst, "seconds": round(ended - began, 3), "polls": {}}
    everything = []
    for kind, rows in polls.items():
        report["polls"][kind] = summary(rows, ended - began, expected)
        everything += rows
    during = [row for row in everything if burst_began <= row[0] <= burst_ended]
    report["polls_all"] = summary(everything, ended - began, expected)
    report["polls_all"]["share_304"] = round(
        report["polls_all"]["statuses"].get("304", 0) / max(1, len(everything)), 3
    )
    report["polls_during_burst"] = summary(during, burst_ended - burst_began, expected)
    lags.sort()
    report["client_loop_lag_ms"] = {
        "p50": round(percentile(lags, 0.5), 1),
        "p99": round(percentile(lags, 0.99), 1),
        "max": round(lags[-1], 1) if lags else 0.0,
        "samples": len(lags),
    }
    return report


_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CSRF_HEADER = re.compile(r'"X-CSRFToken":\s*"([^"]+)"')


def csrf_token(html: str) -> str | None:
    """The CSRF token of a page: a hidden csrf_token input, else the body's hx-headers."""
    match = _CSRF_INPUT.search(html) or _CSRF_HEADER.search(html)
    return match.group(1) if match else None


async def prepare(spec: dict) -> dict:
    """Sign each member in through their link and fetch the ballot page for its CSRF token."""
    host, port = spec["host"], spec["port"]
    queue: asyncio.Queue = asyncio.Queue()
    for index, token in enumerate(spec["tokens"]):
        queue.put_nowait((index, token))
    sessions: list = [None] * len(spec["tokens"])
    failures: list[str] = []

    async def worker() -> None:
        connection = Connection(host, port)
        try:
            while not queue.empty():
                index, token = queue.get_nowait()
                jar: dict[str, str] = {}
                if spec.get("sign_in", True):
                    signed_in = await connection.send(
                        encode_request(host, port, {"path": f"/l/{token}"})
                    )
                    jar.update(signed_in.set_cookies())
                    linked = signed_in.status == 302
                else:  # an owner's page is reached by their code in the URL, no sign-in
                    linked = True
                cookie = "; ".join(f"{k}={v}" for k, v in jar.items() if v)
                path = spec["page"].format(token=token)
                page = await connection.send(
                    encode_request(host, port, {"path": path, "headers": {"Cookie": cookie}})
                )
                jar.update(page.set_cookies())
                token_value = csrf_token(page.body.decode("utf-8", "replace"))
                if (
                    not linked
                    or page.status != 200
                    or not (token_value or not spec.get("csrf", True))
                ):
                    failures.append(f"{linked}/{page.status}/{bool(token_value)}")
                    continue
                sessions[index] = {
                    "cookie": "; ".join(f"{k}={v}" for k, v in jar.items() if v),
                    "csrf": token_value,
                    "page": page.body.decode("utf-8", "replace") if index == 0 else None,
                }
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(spec["connections"])))
    return {
        "seconds": round(time.perf_counter() - began, 3),
        "sessions": sessions,
        "failures": failures[:10],
        "failed": len(failures),
    }


class _References(HTMLParser):
    """Every src/href/action of a page (stylesheets, scripts, images, links, forms)."""

    def __init__(self):
        super().__init__()
        self.assets: list[str] = []
        self.all: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("src", "href", "action", "hx-get", "hx-post"):
            if attributes.get(name):
                self.all.append(attributes[name])
        if tag == "script" and attributes.get("src"):
            self.assets.append(attributes["src"])
        if (
            tag == "link"
            and attributes.get("href")
            and "stylesheet" in (attributes.get("rel") or "")
        ):
            self.assets.append(attributes["href"])
        if tag == "img" and attributes.get("src"):
            self.assets.append(attributes["src"])


def foreign(reference: str, host: str) -> bool:
    """Whether a reference points at another host (or scheme-relative // anywhere)."""
    parts = urlsplit(reference)
    if parts.scheme in ("",) and not reference.startswith("//"):
        return False
    if parts.scheme in ("mailto", "tel"):
        return False
    return parts.hostname not in (host, None) or reference.startswith("//")


async def weight(spec: dict) -> dict:
    """Bytes on the wire for a page and its same-host stylesheets and scripts, compressed."""
    host, port = spec["host"], spec["port"]
    headers = {"Cookie": spec.get("cookie", ""), "Accept-Encoding": "gzip, br"}
    connection = Connection(host, port)
    try:
        page = await connection.send(
            encode_request(host, port, {"path": spec["page"], "headers": headers})
        )
        parser = _References()
        # The page itself arrives gzip-compressed: read its references from the markup.
        markup = page.body
        if page.header("content-encoding") == "gzip":
            markup = gzip.decompress(markup)
        parser.feed(markup.decode("utf-8", "replace"))
        items = [
            {
                "path": spec["page"],
                "status": page.status,
                "wire_bytes": page.wire_bytes,
                "body_bytes": len(page.body),
                "encoding": page.header("content-encoding"),
            }
        ]
        for asset in dict.fromkeys(parser.assets):
            if foreign(asset, host):
                continue
            response = await connection.send(
                encode_request(host, port, {"path": asset, "headers": headers})
            )
            items.append(
                {
                    "path": asset,
                    "status": response.status,
                    "wire_bytes": response.wire_bytes,
                    "body_bytes": len(response.body),
                    "encoding": response.header("content-encoding"),
                }
            )
    finally:
        connection.close()
    return {
        "items": items,
        "total_wire_bytes": sum(item["wire_bytes"] for item in items),
        "total_body_bytes": sum(item["body_bytes"] for item in items),
        "foreign_references": [ref for ref in parser.all if foreign(ref, host)],
    }


def main() -> None:
    """Run the spec named on the command line and print the result as JSON."""
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    mode = {"fire": fire, "prepare": prepare, "weight": weight, "room": room}[spec["mode"]]
    try:  # 2,000 phones may each hold a socket at once
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    except (ImportError, ValueError, OSError):
        pass
    json.dump(asyncio.run(mode(spec)), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
