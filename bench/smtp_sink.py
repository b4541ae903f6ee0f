"""
A local SMTP sink for the alerts benchmark (bench/alerts.py), in a process of its own:
it accepts every message and keeps none, counting them and noting when the first and
the last were accepted.

    python -m bench.smtp_sink aiosmtpd|plain PORT

Two servers, so the sink's own speed can be measured and seen not to be what limits
the workers:

- `aiosmtpd`: the library the tests' SMTP server uses (tests/smtp.py), its handler
  accepting and discarding;
- `plain`: a few lines of asyncio speaking just the SMTP a mail client needs (greeting,
  EHLO/HELO, MAIL, RCPT, DATA up to its closing dot, RSET, NOOP, QUIT), 250 to each.

It prints `BENCH_READY` once listening. Each line read on stdin is answered with one
`BENCH_JSON {"accepted": n, "first": t, "last": t}` line (times from time.time(), as
the harness reads the clock on the same machine); end of input stops it.
"""

import asyncio
import json
import sys
import threading
import time


class Tally:
    """How many messages were accepted, and when the first and the last were."""

    def __init__(self):
        self.accepted = 0
        self.first = None
        self.last = None

    def add(self):
        now = time.time()
        self.accepted += 1
        self.last = now
        if self.first is None:
            self.first = now

    def report(self):
        return {"accepted": self.accepted, "first": self.first, "last": self.last}


class Discard:
    """aiosmtpd's handler: accept every message, keep nothing."""

    def __init__(self, tally):
        self.tally = tally

    async def handle_DATA(self, server, session, envelope):
        self.tally.add()
        return "250 OK"


def start_aiosmtpd(tally, port):
    from aiosmtpd.controller import Controller

    controller = Controller(Discard(tally), hostname="127.0.0.1", port=port)
    controller.start()
    return controller.stop


class PlainSMTP(asyncio.Protocol):
    """Just enough SMTP for smtplib (and so Django's SMTP backend): no extensions, no
    checks, every command answered 250."""

    def __init__(self, tally):
        self.tally = tally
        self.buffer = b""
        self.in_data = False

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 bench sink\r\n")

    def data_received(self, data):
        self.buffer += data
        while True:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    # Keep only what could still be the start of the closing dot.
                    self.buffer = self.buffer[-4:]
                    return
                self.buffer = self.buffer[end + 5 :]
                self.in_data = False
                self.tally.add()
                self.transport.write(b"250 OK\r\n")
                continue
            line, found, rest = self.buffer.partition(b"\r\n")
            if not found:
                return
            self.buffer = rest
            self.command(line[:4].upper())

    def command(self, verb):
        if verb == b"EHLO":
            self.transport.write(b"250-bench sink\r\n250 8BITMIME\r\n")
        elif verb == b"DATA":
            self.in_data = True
            # The end is a line with a dot alone: for an empty message, the one after this.
            self.buffer = b"\r\n" + self.buffer
            self.transport.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"QUIT":
            self.transport.write(b"221 Bye\r\n")
            self.transport.close()
        else:  # HELO, MAIL, RCPT, RSET, NOOP
            self.transport.write(b"250 OK\r\n")


def start_plain(tally, port):
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(
            loop.create_server(lambda: PlainSMTP(tally), "127.0.0.1", port)
        )
        started.set()
        try:
            loop.run_forever()
        finally:
            server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait()
    return lambda: loop.call_soon_threadsafe(loop.stop)


SERVERS = {"aiosmtpd": start_aiosmtpd, "plain": start_plain}


def main(argv=None):
    kind, port = argv or sys.argv[1:]
    tally = Tally()
    stop = SERVERS[kind](tally, int(port))
    print("BENCH_READY", flush=True)
    try:
        for _line in sys.stdin:
            print("BENCH_JSON " + json.dumps(tally.report()), flush=True)
    finally:
        stop()


if __name__ == "__main__":
    main()
