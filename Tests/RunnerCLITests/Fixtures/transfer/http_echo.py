#!/usr/bin/env python3
"""A small HTTP server on 127.0.0.1 for the get_url and uri tests. It prints its port on
the first line of stdout and serves until killed:

    GET  /file/<name>      text/plain "runner test file <name>\n"
    ANY  /echo[?query]     application/json: method, path, the request's x-*, content-type
                           and authorization headers, and the body it was sent
    ANY  /status/<code>    that status, with a small JSON body
    GET  /redirect         302 to /file/redirected.txt
    GET  /tgz/<name>       a gzipped tar holding <name>.txt ("runner test file <name>\n"), for
                           unarchive's URL src; fixed times, so the same bytes every time

Date, Last-Modified and Server are fixed so that recorded results do not drift.
"""
import gzip
import io
import json
import sys
import tarfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIXED_DATE = "Mon, 01 Jan 2024 00:00:00 GMT"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def version_string(self):
        return "RunnerTestHTTP"

    def date_time_string(self, timestamp=None):
        return FIXED_DATE

    def log_message(self, *args):
        pass

    def send(self, code, body, ctype, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        path, _, query = self.path.partition("?")
        if path.startswith("/file/"):
            name = path[len("/file/"):]
            self.send(200, ("runner test file %s\n" % name).encode(), "text/plain",
                      [("Last-Modified", FIXED_DATE)])
        elif path == "/echo":
            headers = {k.lower(): v for k, v in self.headers.items()
                       if k.lower().startswith("x-") or k.lower() in ("content-type", "authorization")}
            doc = {"method": self.command, "path": path, "query": query, "headers": headers, "body": body}
            self.send(200, json.dumps(doc, sort_keys=True).encode(), "application/json", [("X-Echo-Count", "1")])
        elif path.startswith("/status/"):
            code = int(path[len("/status/"):])
            self.send(code, json.dumps({"status": code}).encode(), "application/json")
        elif path.startswith("/tgz/"):
            name = path[len("/tgz/"):]
            data = ("runner test file %s\n" % name).encode()
            raw = io.BytesIO()
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
                info = tarfile.TarInfo(name + ".txt")
                info.size, info.mtime, info.mode = len(data), 1704067200, 0o644
                tar.addfile(info, io.BytesIO(data))
            self.send(200, gzip.compress(raw.getvalue(), mtime=0), "application/gzip")
        elif path == "/redirect":
            self.send(302, b"", "text/plain", [("Location", "/file/redirected.txt")])
        else:
            self.send(404, b"not found\n", "text/plain")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
