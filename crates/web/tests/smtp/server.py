"""A real SMTP server for the e-mail notice tests (issue 13), on aiosmtpd.

    server.py --port N --out DIR --mode starttls|tls|plain [--cert FILE --key FILE]

starttls: STARTTLS offered and required before MAIL; tls: TLS from the first byte (implicit);
plain: no TLS at all (a server Kirjuri must refuse to send to). Each message received is written
whole (headers and body, as sent) to DIR/<n>.eml, written to a temporary name and renamed so
the test never reads half a file; DIR/<n>.txt holds the same message decoded (headers and
body as text, whatever transfer encoding was used) for the test's scan for personal data.
Prints "ready" once it listens.
"""

import argparse
import email
import email.policy
import itertools
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Keep:
    def __init__(self, out):
        self.out = out
        self.n = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        n = next(self.n)
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        decoded = "".join(f"{k}: {v}\n" for k, v in msg.items())
        decoded += "\n" + msg.get_body(preferencelist=("plain",)).get_content()
        tmp = os.path.join(self.out, f".{n}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(decoded)
        os.rename(tmp, os.path.join(self.out, f"{n}.txt"))
        tmp = os.path.join(self.out, f".{n}.tmp")
        with open(tmp, "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(raw)
        os.rename(tmp, os.path.join(self.out, f"{n}.eml"))
        return "250 OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--mode", choices=["starttls", "tls", "plain"], required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    a = p.parse_args()
    handler = Keep(a.out)
    context = None
    if a.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.cert, a.key)
    if a.mode == "tls":
        c = Controller(handler, hostname="127.0.0.1", port=a.port, ssl_context=context)
    elif a.mode == "starttls":
        c = Controller(
            handler,
            hostname="127.0.0.1",
            port=a.port,
            tls_context=context,
            require_starttls=True,
        )
    else:
        c = Controller(handler, hostname="127.0.0.1", port=a.port)
    c.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()  # until the test closes our stdin or kills us
    finally:
        c.stop()


if __name__ == "__main__":
    main()
