"""
Faults under load: `make faults` (or `.venv/bin/python -m bench.faults [scenario ...]`).

The site as production runs it (gunicorn with deploy/gunicorn.conf.py, sync workers,
production settings, the bench's PostgreSQL database), loaded by wrk across the
benchmark's pages, while a part it depends on fails for a while and comes back. Three
scenarios, each with a server of its own:

- `redis-killed`: the cache is a redis-server of this run's own, on a spare port (never
  the machine's), killed with SIGKILL and started again;
- `redis-frozen`: the same server stopped with SIGSTOP (connections still open, no
  answers) and continued with SIGCONT;
- `database-cut`: gunicorn reaches PostgreSQL through a TCP proxy in this process
  (`CuttableProxy`), which drops every connection and refuses new ones, then accepts
  again.

Meanwhile an editor, in a process of its own through the ORM as the admin saves
(`edit_through_faults`), saves the news detail page's item every few seconds, and one
observer per page notes, for each response, when it was asked for, how long it took and
which edit it showed (bench/edits.py marks the edits); another asks /healthz over and
over. From these: the 5xx and other non-2xx answers (wrk, bench/faults.lua), socket
errors, p50, p99 and max, the longest single wait an observer saw, the responses asked for
after the fault that showed text older than the last save (stale), what /healthz said
during the fault and how many public pages were answered 200 during it.

The figures are written into bench/results.md as the "Faults under load" section
(bench/results.py), replacing only that section, and into bench/.work/results.json as
its "faults" part. How to read them: docs/notes/bench.md.
"""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bench import edits, results, run

SCENARIOS = {
    "redis-killed": ("Redis killed", "SIGKILL, then started again (empty)"),
    "redis-frozen": ("Redis frozen", "SIGSTOP, then SIGCONT"),
    "database-cut": (
        "Database cut",
        "the proxy drops every connection and refuses new ones, then accepts again",
    ),
}
# How many 5xx answers and failed connections the observers saw are listed one by one
# (all are counted).
LISTED = 20


class Settings:
    """The scenarios' own settings, read once from the environment; the rest (database,
    workers, wrk's threads, where results go) are the benchmark's (bench/run.py)."""

    def __init__(self):
        self.connections = run.setting("BENCH_FAULT_CONNECTIONS", 64)
        self.duration = run.setting("BENCH_FAULT_DURATION", 30)
        self.fault_at = run.setting("BENCH_FAULT_AT", 10.0)
        self.fault_for = run.setting("BENCH_FAULT_FOR", 10.0)
        self.edit_every = run.setting("BENCH_EDIT_EVERY", 2.0)
        self.healthz_every = run.setting("BENCH_FAULT_HEALTHZ_EVERY", 0.25)


# The parts that fail --------------------------------------------------------------------


def spare_port():
    """A port nothing listens on now (the system's pick), for this run's own servers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of this run's own, that it kills, starts, freezes and thaws."""

    def __init__(self, port, log_path):
        self.port = port
        self.log_path = log_path
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        # No snapshot and no append-only file: started again, it is empty, as a Redis
        # replaced after a crash would be.
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server stopped at start-up; see {self.log_path}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 1),
            ):
                return
            time.sleep(0.02)
        raise RuntimeError(f"redis-server did not listen on port {self.port} within 10 s")

    def kill(self):
        self.process.kill()
        self.process.wait()

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.thaw()  # a stopped process would not die of SIGTERM until continued
            self.kill()


class CuttableProxy:
    """A TCP proxy (threads in this process) in front of a server, that drops every
    connection and refuses new ones while cut, as a network cut to PostgreSQL does to
    the site, and accepts again when restored."""

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.open = True
        self.pairs = {}  # client socket -> (server socket, pipes still running)
        self.dropped = self.refused = 0
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            server = None
            with self.lock:
                is_open = self.open
            if is_open:
                try:
                    server = socket.create_connection(self.target, timeout=10)
                    server.settimeout(None)
                except OSError:
                    server = None
            with self.lock:
                if server is None or not self.open:
                    self.refused += 1
                    reset(client)
                    if server is not None:
                        server.close()
                    continue
                self.pairs[client] = [server, 2]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self.pipe, args=(client, source, sink), daemon=True).start()

    def pipe(self, client, source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)  # the other direction ends too
        with self.lock:
            pair = self.pairs.get(client)
            if pair is None:
                return
            pair[1] -= 1
            if pair[1] == 0:  # both directions done: this connection is over
                del self.pairs[client]
                client.close()
                pair[0].close()

    def cut(self):
        """Every connection dropped (the pipes close them), every new one refused."""
        with self.lock:
            self.open = False
            for client, (server, _running) in self.pairs.items():
                self.dropped += 1
                for sock in (client, server):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)

    def restore(self):
        with self.lock:
            self.open = True

    def close(self):
        self.cut()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self.listener.close()


def reset(sock):
    """Close with a reset (RST), as a refused connection is answered, not a clean end."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()


def through_proxy(database_url, port):
    """`database_url` with its host and port replaced by the proxy's."""
    parts = urlsplit(database_url)
    user = parts.netloc.rpartition("@")[0]
    return parts._replace(
        netloc=f"{user}@127.0.0.1:{port}" if user else f"127.0.0.1:{port}"
    ).geturl()


# The editor (inside Django) ----------------------------------------------------------


def edit_through_faults(path, every, count, *, wait_for_go=True, out=None):
    """bench.edits.edit_item's saves, going on when one fails (the database cut off): a
    save that returned prints `BENCH_EDIT {"number", "saved"}`, one that failed
    `BENCH_EDIT_FAILED {"number", "tried", "error"}`. The title is put back once "stop"
    is read, when the parts are all back."""
    from django.db import connection
    from django.urls import resolve

    from news.models import PressRelease

    out = out or sys.stdout
    item = PressRelease.objects.get(slug=resolve(path).kwargs["slug"])
    original = item.title
    if wait_for_go:
        # Stopped early by the run, still put the title back (SIGINT may be ignored in a
        # process started in the background, so the run sends SIGTERM).
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(f"Stopped by {signum}"))
    print("BENCH_READY", file=out, flush=True)
    if wait_for_go:
        sys.stdin.readline()
    started = time.time()
    try:
        for number in range(1, count + 1):
            time.sleep(max(0.0, started + (number - 0.5) * every - time.time()))
            item.title = edits.titled(original, number)
            tried = time.time()
            try:
                item.save()
            except Exception as error:  # whatever failed, the next save is tried anyway
                # The connection died with the save: the next save opens a new one.
                with contextlib.suppress(Exception):
                    connection.close()
                failed = {"number": number, "tried": tried, "error": describe(error)}
                print("BENCH_EDIT_FAILED " + json.dumps(failed), file=out, flush=True)
                continue
            saved = {"number": number, "saved": time.time()}
            print("BENCH_EDIT " + json.dumps(saved), file=out, flush=True)
        if wait_for_go:
            sys.stdin.readline()
    finally:
        put_back(item, original)


def put_back(item, original, attempts=3):
    from django.db import connection

    item.title = original
    for attempt in range(1, attempts + 1):
        try:
            item.save()
            return
        except Exception:
            if attempt == attempts:
                raise
            with contextlib.suppress(Exception):
                connection.close()
            time.sleep(1)


def describe(error):
    """An error's class and first line, short enough for a report."""
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first_line}"[:160]


def failed_edits(output):
    """The failed saves an editor printed, in order."""
    return [
        json.loads(line.removeprefix("BENCH_EDIT_FAILED "))
        for line in output.splitlines()
        if line.startswith("BENCH_EDIT_FAILED ")
    ]


# The observers (next to the load) ------------------------------------------------------


def observe(port, path, stop, seen):
    """Ask for `path` again and again until `stop` is set, appending (started, finished,
    status, edit shown) for each answer; a connection that fails is noted with status
    None, so its wait counts too."""
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.time()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            seen.append((started, time.time(), None, None))
            time.sleep(0.01)  # a server that refuses does not get a tight loop
            continue
        finally:
            connection.close()
        seen.append((started, time.time(), response.status, edits.edit_shown(body)))


def poll_health(port, every, stop, answers):
    """Ask /healthz every `every` seconds until `stop` is set, appending (started,
    finished, status, its "status" word)."""
    while not stop.wait(every):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.time()
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            answers.append((started, time.time(), None, "no answer"))
            continue
        finally:
            connection.close()
        try:
            word = json.loads(body).get("status", "?")
        except ValueError:
            word = "not JSON"
        answers.append((started, time.time(), response.status, word))


# What the observations say ---------------------------------------------------------------


def stale_responses(saved, seen, start, end=float("inf")):
    """The responses asked for from `start` until `end` that show an older edit than
    the last one saved (returned) before they were asked for.

    `seen` is {page name: [(started, finished, status, edit shown)]}. Only 200s count
    (an error shows nothing), on pages that ever showed an edit (the others do not
    show the item). Returns [{"page", "at", "shown", "expected"}] in time order.
    """
    saves = sorted((edit["saved"], edit["number"]) for edit in saved)
    found = []
    for page, responses in seen.items():
        if not any(response[3] is not None for response in responses):
            continue
        for started, _finished, status, shown in responses:
            if status != 200 or not start <= started < end:
                continue
            latest = max((number for at, number in saves if at <= started), default=None)
            if latest is not None and (shown is None or shown < latest):
                found.append({"page": page, "at": started, "shown": shown, "expected": latest})
    return sorted(found, key=lambda stale: stale["at"])


def statuses_between(seen, start, end):
    """Counter of the statuses of the responses answered from `start` until `end`, over
    every page ("no answer" for a connection that failed): what visitors got while a
    part was down, whenever they had asked."""
    return Counter(
        "no answer" if status is None else status
        for responses in seen.values()
        for _started, finished, status, _shown in responses
        if start <= finished < end
    )


def longest_wait(seen, start=float("-inf"), end=float("inf")):
    """(seconds, page, started) of the longest single response that was under way at
    some moment from `start` until `end` (asked for before `end`, answered after
    `start`), or None."""
    waits = [
        (finished - started, page, started)
        for page, responses in seen.items()
        for started, finished, _status, _shown in responses
        if started < end and finished >= start
    ]
    return max(waits, default=None)


def health_between(answers, start, end):
    """{"200 degraded": 12, ...}: the /healthz answers given from `start` until `end`
    (a poll asked for just before a fault may be answered in it, when it waited in the
    queue: what it says is what the instance said then)."""
    counts = Counter(
        word if status is None else f"{status} {word}"
        for _started, finished, status, word in answers
        if start <= finished < end
    )
    return dict(sorted(counts.items()))


def by_second(seconds, origin):
    """wrk's {"<unix second>": [answers, 5xx, other non-2xx]} as [[seconds since
    `origin`, answers, 5xx, other]] in order; wrk's clock counts whole seconds, so each
    row covers the second starting then."""
    return [[round(int(second) - origin, 1), *counts] for second, counts in sorted(seconds.items())]


def stale_groups(stale, saved, origin):
    """The stale responses (`stale_responses`) grouped by the edit they should have shown
    and the one they showed: [{"expected", "saved_s" (when that edit's save returned),
    "shown", "count", "pages" ({page: count}), "from_s", "to_s" (when the first and the
    last were asked for)}], seconds since `origin`."""
    saved_at = {edit["number"]: edit["saved"] for edit in saved}
    groups = {}
    for response in stale:
        key = (response["expected"], response["shown"] or 0)
        group = groups.setdefault(
            key,
            {
                "expected": response["expected"],
                "saved_s": since(origin, saved_at[response["expected"]]),
                "shown": response["shown"],
                "count": 0,
                "pages": {},
                "from_s": since(origin, response["at"]),
            },
        )
        group["count"] += 1
        group["pages"][response["page"]] = group["pages"].get(response["page"], 0) + 1
        group["to_s"] = since(origin, response["at"])
    return [groups[key] for key in sorted(groups)]


def rates(seconds, broken_s, mended_s, duration_s):
    """wrk's answers per second before, during and after the fault: the mean over the
    whole seconds of `by_second` rows inside each (None when there is none)."""

    def mean(start, end):
        inside = [row[1] for row in seconds if row[0] >= start and row[0] + 1 <= end]
        return round(sum(inside) / len(inside), 1) if inside else None

    return {
        "before": mean(0, broken_s),
        "during": mean(broken_s, mended_s),
        "after": mean(mended_s, duration_s),
    }


def since(origin, moment):
    return round(moment - origin, 2)


# One scenario ------------------------------------------------------------------------


def run_scenario(config, settings, key, pages):
    """Serve the site with its own Redis (and, for the database cut, through the proxy),
    load it, break the part at `fault_at` and mend it `fault_for` later; the figures."""
    name, fault = SCENARIOS[key]
    label = key.replace("-", "_")
    detail = next(page for page in pages if page["name"] == "news detail")
    redis = RedisServer(spare_port(), run.WORK / f"faults_{label}_redis.log")
    proxy = None
    servers = run.Servers()
    editor = load = None
    stop = threading.Event()
    threads = []
    seen = {page["name"]: [] for page in pages}
    health = []
    moments = {}
    editor_log = open(run.WORK / f"faults_{label}_editor.log", "w")  # noqa: SIM115 (closed below)
    try:
        redis.start()
        env = run.site_environment(config)
        env.update(REDIS_URL=redis.url, CACHE_URL=redis.url)
        if key == "database-cut":
            database = urlsplit(config.database_url)
            proxy = CuttableProxy(database.port or 5432, database.hostname or "127.0.0.1")
            env["DATABASE_URL"] = through_proxy(config.database_url, proxy.port)
        port = spare_port()
        servers.gunicorn(
            f"site_faults_{label}",
            "strategy_site.wsgi:application",
            env,
            port,
            config.workers,
            run.gunicorn_config_file(),
        )
        count = int(settings.duration // settings.edit_every)
        editor = subprocess.Popen(
            [
                str(run.PYTHON),
                "manage.py",
                "shell",
                "-c",
                "from bench.faults import edit_through_faults; "
                f"edit_through_faults({detail['path']!r}, {settings.edit_every}, {count})",
            ],
            cwd=run.ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=editor_log,
            text=True,
        )
        while not (line := editor.stdout.readline()).startswith("BENCH_READY"):
            if not line:
                raise RuntimeError("The editor did not start; run it by hand to see why")
        for page in pages:
            run.warm_up(port, page["path"])
        threads = [
            threading.Thread(target=observe, args=(port, page["path"], stop, seen[page["name"]]))
            for page in pages
        ]
        threads.append(
            threading.Thread(target=poll_health, args=(port, settings.healthz_every, stop, health))
        )
        for thread in threads:
            thread.start()
        load_before = os.getloadavg()
        moments["load"] = time.time()
        load = subprocess.Popen(
            [
                "wrk",
                f"-t{config.threads}",
                f"-c{settings.connections}",
                f"-d{settings.duration}s",
                "--timeout",
                "10s",
                "-s",
                str(run.BENCH / "faults.lua"),
                f"http://127.0.0.1:{port}",
                "--",
                *(page["path"] for page in pages),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        editor.stdin.write("go\n")
        editor.stdin.flush()
        print(f"  {name}: load started", flush=True)

        wait_until(moments["load"] + settings.fault_at)
        if key == "redis-killed":
            redis.kill()
        elif key == "redis-frozen":
            redis.freeze()
        else:
            proxy.cut()
        moments["broken"] = time.time()
        print(f"  {name}: fault at {since(moments['load'], moments['broken'])} s", flush=True)

        wait_until(moments["load"] + settings.fault_at + settings.fault_for)
        if key == "redis-killed":
            redis.start()
        elif key == "redis-frozen":
            redis.thaw()
        else:
            proxy.restore()
        moments["mended"] = time.time()
        print(f"  {name}: back at {since(moments['load'], moments['mended'])} s", flush=True)

        data = run.bench_json(load.communicate()[0])
        stop.set()
        for thread in threads:
            thread.join()  # every response in before the title is put back
        load_after = os.getloadavg()
        output = editor.communicate("stop\n", timeout=120)[0]
    finally:
        stop.set()
        if load is not None and load.poll() is None:
            load.terminate()
            load.wait()
        for thread in threads:
            thread.join()
        if proxy is not None:
            proxy.restore()  # so that the editor can put the title back
        if editor is not None and editor.poll() is None:
            # Stopped early: SIGTERM runs the editor's `finally`, which puts the title
            # back in the bench database; a kill only if it does not end.
            editor.terminate()
            try:
                editor.wait(timeout=30)
            except subprocess.TimeoutExpired:
                editor.kill()
                editor.wait()
        editor_log.close()
        servers.stop()
        if proxy is not None:
            proxy.close()
        redis.stop()
    saved, failed = edits.edits_printed(output), failed_edits(output)
    # Every observation, for a look at what happened when (the report keeps the figures).
    (run.WORK / f"faults_{label}.json").write_text(
        json.dumps(
            {"moments": moments, "saved": saved, "failed": failed, "seen": seen, "health": health}
        )
    )
    return report(
        key,
        name,
        fault,
        data,
        moments,
        seen,
        health,
        saved,
        failed,
        (load_before, load_after),
        proxy,
        settings.duration,
    )


def wait_until(moment):
    time.sleep(max(0.0, moment - time.time()))


def report(
    key, name, fault, data, moments, seen, health, saved, failed, load_average, proxy, duration
):
    """One scenario's figures, as the results JSON keeps them."""
    origin, broken, mended = moments["load"], moments["broken"], moments["mended"]
    seconds = by_second(data["seconds"], origin)
    stale_after = stale_responses(saved, seen, mended)
    stale_during = stale_responses(saved, seen, broken, mended)
    during = statuses_between(seen, broken, mended)
    waits = {
        "before": longest_wait({p: [r for r in rs if r[1] < broken] for p, rs in seen.items()}),
        "during": longest_wait(seen, broken, mended),
        "after": longest_wait({p: [r for r in rs if r[0] >= mended] for p, rs in seen.items()}),
    }
    observed_errors = sorted(
        (started, page, status)
        for page, responses in seen.items()
        for started, _finished, status, _shown in responses
        if status is None or status >= 500
    )
    figures = {
        "key": key,
        "name": name,
        "fault": fault,
        "broken_s": since(origin, broken),
        "mended_s": since(origin, mended),
        "requests": data["requests"],
        "rps": data["requests"] / (data["duration_us"] / 1_000_000),
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "server_errors": data["server_errors"],
        "other_non_2xx": data["non_2xx"] - data["server_errors"],
        "socket_errors": sum(data[k] for k in ("connect_errors", "read_errors", "write_errors")),
        "timeouts": data["timeouts"],
        "by_second": seconds,
        "rps_by_phase": rates(seconds, since(origin, broken), since(origin, mended), duration),
        # Answered before the fault, under way during it, asked for after it.
        "longest_wait": {
            phase: {"ms": round(wait[0] * 1000, 1), "page": wait[1], "at_s": since(origin, wait[2])}
            if wait
            else None
            for phase, wait in waits.items()
        },
        "observed": sum(len(responses) for responses in seen.values()),
        "during": {
            "answers": sum(during.values()),
            "200": during.get(200, 0),
            "statuses": {str(status): count for status, count in sorted(during.items(), key=str)},
        },
        "observed_errors": {
            "count": len(observed_errors),
            "listed": [
                {"page": page, "at_s": since(origin, started), "status": status}
                for started, page, status in observed_errors[:LISTED]
            ],
        },
        "edits": {
            "tried": len(saved) + len(failed),
            "saved": len(saved),
            "failed": [
                {
                    "number": edit["number"],
                    "at_s": since(origin, edit["tried"]),
                    "error": edit["error"],
                }
                for edit in failed
            ],
        },
        "stale_after": len(stale_after),
        "stale_during": len(stale_during),
        "stale_groups": {
            "after": stale_groups(stale_after, saved, origin),
            "during": stale_groups(stale_during, saved, origin),
        },
        "healthz_before": health_between(health, origin, broken),
        "healthz_during": health_between(health, broken, mended),
        "healthz_after": health_between(health, mended, float("inf")),
        "load_average": [round(load_average[0][0], 2), round(load_average[1][0], 2)],
    }
    if proxy is not None:
        figures["proxy"] = {"dropped": proxy.dropped, "refused": proxy.refused}
    return figures


# The run -------------------------------------------------------------------------


def main(argv=None):
    # Stopped by a signal, still stop every server and put every part back.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(f"Stopped by signal {signum}"))
    chosen = (sys.argv[1:] if argv is None else argv) or list(SCENARIOS)
    unknown = [key for key in chosen if key not in SCENARIOS]
    if unknown:
        sys.exit(f"Unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    for tool in ("wrk", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: `make faults` installs it (apt-get install {tool}).")
    config, settings = run.Settings(), Settings()
    started = datetime.now(UTC)
    run.WORK.mkdir(parents=True, exist_ok=True)
    env_on = run.site_environment(config)
    env_off = run.site_environment(config, cache_on=False)

    print("Preparing the database and the dataset...", flush=True)
    dataset, probe = run.prepare(config, env_on, env_off)
    pages = probe["pages"]
    if not any(page["name"] == "news detail" for page in pages):
        sys.exit("No news detail page to edit: the bench database has no press release.")
    site_settings = run.bench_json(
        run.manage(
            env_on,
            "shell",
            "-c",
            "import json; from django.conf import settings as s; print('BENCH_JSON ' + "
            "json.dumps({'timeout': s.REDIS_TIMEOUT, 'retry_after': s.REDIS_RETRY_AFTER, "
            "'conn_max_age': s.DATABASES['default']['CONN_MAX_AGE']}))",
            capture=True,
        )
    )

    scenarios = []
    for key in chosen:
        print(f"{SCENARIOS[key][0]}...", flush=True)
        scenarios.append(run_scenario(config, settings, key, pages))

    gunicorn_config = run.gunicorn_config_file()
    faults = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": run.machine(),
        "settings": {
            "wrk": f"-t{config.threads} -c{settings.connections} -d{settings.duration}s, "
            f"the {len(pages)} pages in turn",
            "pages": [page["name"] for page in pages],
            "edited": next(page["path"] for page in pages if page["name"] == "news detail"),
            "gunicorn": f"{config.workers} sync workers, "
            + (str(gunicorn_config.relative_to(run.ROOT)) if gunicorn_config else "no config"),
            "database": config.database_url,
            "dataset": ", ".join(f"{count:,} {kind}" for kind, count in dataset.items()),
            "fault_at_s": settings.fault_at,
            "fault_for_s": settings.fault_for,
            "duration_s": settings.duration,
            "edit_every_s": settings.edit_every,
            "healthz_every_s": settings.healthz_every,
            "redis_timeout_s": site_settings["timeout"],
            "redis_retry_after_s": site_settings["retry_after"],
            "conn_max_age_s": site_settings["conn_max_age"],
        },
        "scenarios": scenarios,
    }
    raw = run.WORK / "results.json"
    previous = json.loads(raw.read_text()) if raw.exists() else {}
    raw.write_text(json.dumps({**previous, "faults": faults}, indent=2))
    section = results.write_faults(config.results_path, faults)
    print(section)
    print(f"Written to {config.results_path} (its Faults under load section) and {raw}")


if __name__ == "__main__":
    main()
