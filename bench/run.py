"""
The benchmark: `make bench` (or `.venv/bin/python -m bench.run`).

1. Prepares a dedicated PostgreSQL database and Redis database, migrates, loads the
   real content and the large sample dataset (bench/dataset.py), collects the static
   files into bench/.work/.
2. Serves, all at once on local ports: the site under gunicorn with production
   settings twice (page cache on, page cache off), the plain WSGI floor and the
   minimal Django view under the same gunicorn settings, and nginx (static files,
   and the cached site behind a caching reverse proxy). The three references serve,
   for each measured page, a copy of that page's bytes at /ref/<page key>, so each
   page is compared with references sending as many bytes as it does.
3. Drives every target with wrk at the same settings, interleaved: round 1 all
   targets (each page's three references next to the page itself), round 2 all
   targets... and keeps the medians.
4. Edits under load (bench/edits.py): wrk at 64 connections across the pages for 30 s
   while an item is edited and saved every 2 s; non-2xx answers, p50, p99, and how
   long each edit took to show in every response.
5. Counts SQL queries per page (bench/probe.py), measures what each page weighs
   compressed with its CSS and JS, times searches one by one against PostgreSQL.
6. Prints the tables and writes bench/results.md (bench/results.py).

Settings come from the environment (listed in docs/notes/bench.md): BENCH_QUICK=1
for a smoke run of a few minutes on a smaller dataset; the edits scenario's are
BENCH_EDIT_CONNECTIONS (64), BENCH_EDIT_DURATION (30 s, 10 s quick) and
BENCH_EDIT_EVERY (2 s).
"""

import copy
import gzip
import html
import http.client
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bench import edits, results

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = Path(os.environ.get("BENCH_WORK_DIR", BENCH / ".work"))
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / "gunicorn"
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")

# The words searched one by one for the search timing: common and rare words of the
# real content, a phrase, and a word found nowhere.
SEARCH_TERMS = [
    "families",
    "priorities",
    "support",
    "adulthood",
    "communication",
    "professionals",
    "planning",
    "outcomes",
    "inclusion",
    "cabinet",
    "partners",
    "education",
    "health",
    "provision",
    '"right support"',
    "young people",
    "wiltshire strategy",
    "zebra",
]


def setting(name, default):
    value = os.environ.get(name, "")
    return type(default)(value) if value else default


class Settings:
    """Everything a run depends on, read once from the environment."""

    def __init__(self):
        self.quick = QUICK
        self.rounds = setting("BENCH_ROUNDS", 3)
        self.duration = setting("BENCH_DURATION", 1 if QUICK else 4)
        self.connections = setting("BENCH_CONNECTIONS", 16)
        self.threads = setting("BENCH_THREADS", 2)
        self.workers = setting("BENCH_WORKERS", 2)
        self.port = setting("BENCH_PORT", 8610)
        # Quick mode: a tenth of the dataset in a database of its own, so a smoke run
        # never has to shrink (or wait for) the full one.
        self.press_releases = setting("BENCH_PRESS_RELEASES", 500 if QUICK else 5000)
        self.decisions = setting("BENCH_DECISIONS", 100 if QUICK else 1000)
        self.deliverables = setting("BENCH_DELIVERABLES", 60)
        self.photos = setting("BENCH_PHOTOS", 10 if QUICK else 40)
        self.search_requests = setting("BENCH_SEARCH_REQUESTS", 36 if QUICK else 108)
        # Edits under load (bench/edits.py): a shorter load in quick mode.
        self.edit_connections = setting("BENCH_EDIT_CONNECTIONS", 64)
        self.edit_duration = setting("BENCH_EDIT_DURATION", 10 if QUICK else 30)
        self.edit_every = setting("BENCH_EDIT_EVERY", 2.0)
        # Addresses nginx passes straight to the site (never from its cache), as a load
        # balancer's health check or an editor signing in meets them.
        self.passed_connections = setting("BENCH_PASSED_CONNECTIONS", 8)
        self.passed_duration = setting("BENCH_PASSED_DURATION", 5 if QUICK else 10)
        database = "strategy_site_bench_quick" if QUICK else "strategy_site_bench"
        self.database_url = setting(
            "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}"
        )
        self.redis_url = setting("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
        # The cache engineer's switch (docs/notes/cache.md); NAME=VALUE.
        self.cache_off = setting("BENCH_CACHE_OFF", "DJANGO_PAGE_CACHE=0")
        self.results_path = Path(setting("BENCH_RESULTS", str(BENCH / "results.md")))

    def ports(self):
        names = ["site", "site_off", "floor", "minimal", "static", "proxy"]
        return {name: self.port + offset for offset, name in enumerate(names)}

    def as_table(self):
        return {
            "mode": "quick (BENCH_QUICK=1)" if self.quick else "full",
            "rounds": self.rounds,
            "wrk": f"-t{self.threads} -c{self.connections} -d{self.duration}s",
            "gunicorn": f"{self.workers} sync workers",
            "database": self.database_url,
            "cache": f"{self.redis_url} (prefix bench); off: {self.cache_off}",
            "search requests": self.search_requests,
            "edits under load": f"wrk -t{self.threads} -c{self.edit_connections} "
            f"-d{self.edit_duration}s across the pages, an edit saved every {self.edit_every:g}s",
            "passed through nginx": f"wrk -t{self.threads} -c{self.passed_connections} "
            f"-d{self.passed_duration}s on each of {', '.join(results.PASSED_THROUGH)}",
        }


# Environment and processes -------------------------------------------------------


def site_environment(config, *, cache_on=True):
    """Production settings: debug off, a bench secret, no https redirect."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BENCH_"))}
    env.update(
        DJANGO_SECRET_KEY="bench-secret-key-not-for-production-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=config.database_url,
        REDIS_URL=config.redis_url,
        CACHE_URL=config.redis_url,
        DJANGO_CACHE_KEY_PREFIX="bench",
        DJANGO_MEDIA_ROOT=str(WORK / "media"),
        DJANGO_STATIC_ROOT=str(WORK / "static"),
        DJANGO_LOG_LEVEL="WARNING",
        SITE_URL="http://127.0.0.1",
    )
    if not cache_on:
        name, _, value = config.cache_off.partition("=")
        env[name] = value
    return env


def manage(env, *args, capture=False):
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout if capture else None


def bench_json(output):
    """The one `BENCH_JSON {...}` line a helper printed."""
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"No BENCH_JSON line in:\n{output[-2000:]}")


def create_database(url):
    """CREATE DATABASE if it is not there; an existing one is kept (and its dataset)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def flush_redis(url):
    """Start cold: this run's Redis database only (the cache is rebuilt in warm-up)."""
    import redis

    redis.Redis.from_url(url).flushdb()


class Servers:
    """The processes this run starts, each stopped by its own id at the end."""

    def __init__(self):
        self.processes = []

    def start(self, name, command, env, port):
        log = open(WORK / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append((name, process, log))
        wait_for_port(port, process, name)
        return process

    def gunicorn(self, name, app, env, port, workers, config_file=None):
        command = [str(GUNICORN)]
        if config_file:
            command += ["-c", str(config_file)]
        # The command line wins over a config file: the same settings for every Python target.
        command += [
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            # Each master would otherwise claim the same ~/.gunicorn/gunicorn.ctl.
            "--no-control-socket",
            app,
        ]
        return self.start(name, command, env, port)

    def stop(self):
        for _name, process, log in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.close()
        self.processes.clear()


def wait_for_port(port, process, name, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped at start-up; see {WORK / (name + '.log')}")
        try:
            fetch(port, "/healthz" if name.startswith("site") else "/")
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{name} did not answer on port {port} within {timeout}s")


def fetch(port, path, headers=None, timeout=60):
    """(status, headers, raw body) over plain HTTP; the body is not decompressed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# Load ----------------------------------------------------------------------------


def wrk(config, port, path):
    """One wrk run: requests per second, p50 and p99 in ms, and any errors."""
    command = [
        "wrk",
        f"-t{config.threads}",
        f"-c{config.connections}",
        f"-d{config.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "report.lua"),
        f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    data = bench_json(output)
    errors = sum(
        data[key]
        for key in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    answered = data["requests"] > 0  # a page slower than the run has no latency to show
    return {
        "rps": data["requests"] / (data["duration_us"] / 1_000_000),
        "p50_ms": data["p50_us"] / 1000 if answered else None,
        "p99_ms": data["p99_us"] / 1000 if answered else None,
        "errors": errors,
        "requests": data["requests"],
    }


def passed_through(config, port):
    """{path: wrk's figures} for the addresses nginx passes to the site, through nginx."""
    load = copy.copy(config)
    load.connections, load.duration = config.passed_connections, config.passed_duration
    found = {}
    for path in results.PASSED_THROUGH:
        found[path] = {**wrk(load, port, path), "connections": load.connections}
        settle(port, "/healthz")
    return found


def targets(pages, ports):
    """Every (group, page name, port, path) wrk drives in each round: for each page,
    its three references (serving its bytes), then the page in the three modes, so a
    page and its references are measured minutes apart at most."""
    found = []
    for page in pages:
        found += [
            (reference, page["name"], ports[reference], page["reference_path"])
            for reference in results.REFERENCES
        ]
        found += [
            (mode, page["name"], ports[port], page["path"])
            for mode, port in (("warm", "site"), ("off", "site_off"), ("proxy", "proxy"))
        ]
    return found


def run_rounds(config, pages, ports):
    """Round 1 every target, round 2 every target...; {group: {name: [runs]}}."""
    runs = {}
    plan = targets(pages, ports)
    for number in range(1, config.rounds + 1):
        print(f"Round {number} of {config.rounds}: {len(plan)} targets", flush=True)
        for group, name, port, path in plan:
            if group in ("warm", "proxy"):
                warm_up(port, path)
            runs.setdefault(group, {}).setdefault(name, []).append(wrk(config, port, path))
            settle(port, path if group in results.REFERENCES else "/healthz")
    return runs


def settle(port, path):
    """Wait until the server has worked through what wrk left queued.

    When wrk stops, up to `connections` requests are still waiting in the listen
    queue, and a sync worker handles each one even though nobody will read the
    answer. A slow page (seconds each) would otherwise be measured as part of the
    next target. A cheap request queued behind them returns when they are done.
    """
    started = time.monotonic()
    try:
        fetch(port, path, timeout=600)
    except OSError as error:
        print(f"  settling port {port}: {error}", flush=True)
    waited = time.monotonic() - started
    if waited > 2:
        print(f"  waited {waited:.0f}s for port {port} to finish queued requests", flush=True)


def warm_up(port, path):
    """The first visitor after expiry fills the cache; a slow or failed answer here
    shows in wrk's figures, so it is not an error of the run."""
    try:
        fetch(port, path, timeout=120)
    except OSError as error:
        print(f"  warming {path} on port {port}: {error}", flush=True)


def medians(runs):
    return {
        group: {name: results.median_of(samples) for name, samples in by_name.items()}
        for group, by_name in runs.items()
    }


def edits_under_load(config, port, pages, env):
    """The edits-under-load scenario (bench/edits.py) against the site, page cache on:
    wrk across every page, an editor saving the news detail page's item, and one
    observer per page. None when there is no news detail page to edit."""
    detail = next((page for page in pages if page["name"] == "news detail"), None)
    if detail is None:
        return None
    count = int(config.edit_duration // config.edit_every)
    editor = subprocess.Popen(
        [
            str(PYTHON),
            "manage.py",
            "shell",
            "-c",
            "from bench.edits import edit_item; "
            f"edit_item({detail['path']!r}, {config.edit_every}, {count})",
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    stop, observers = threading.Event(), []
    try:
        # Django's shell may say something first (its automatic imports).
        while not (line := editor.stdout.readline()).startswith("BENCH_READY"):
            if not line:
                raise RuntimeError("The editor did not start; run it by hand to see why")
        for page in pages:
            warm_up(port, page["path"])
        stop, observers, seen = edits.start_observers(port, pages, stop)
        load = subprocess.Popen(
            [
                "wrk",
                f"-t{config.threads}",
                f"-c{config.edit_connections}",
                f"-d{config.edit_duration}s",
                "--timeout",
                "10s",
                "-s",
                str(BENCH / "edits.lua"),
                f"http://127.0.0.1:{port}",
                "--",
                *(page["path"] for page in pages),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        editor.stdin.write("go\n")
        editor.stdin.flush()
        data = bench_json(load.communicate()[0])
        stop.set()
        for observer in observers:
            observer.join()  # every response in before the title is put back
        saved = edits.edits_printed(editor.communicate("stop\n", timeout=120)[0])
    finally:
        stop.set()
        for observer in observers:
            observer.join()
        if editor.poll() is None:
            editor.kill()
            editor.wait()
    socket_errors = sum(
        data[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
    )
    return {
        "connections": config.edit_connections,
        "duration_s": config.edit_duration,
        "every_s": config.edit_every,
        "pages": [page["name"] for page in pages],
        "edited": detail["path"],
        "requests": data["requests"],
        "rps": data["requests"] / (data["duration_us"] / 1_000_000),
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "non_2xx": data["non_2xx"],
        "socket_errors": socket_errors,
        "staleness": edits.staleness(saved, seen),
    }


# Weight and search ---------------------------------------------------------------

ASSET = re.compile(
    r"<(?:link[^>]*rel=\"stylesheet\"[^>]*href|script[^>]*src)=\"([^\"]+)\"", re.IGNORECASE
)
MODULE_IMPORT = re.compile(r"""(?:import|from)\s*['"](\.{1,2}/[^'"]+)['"]""")


def page_weight(port, page):
    """Bytes on the wire with gzip accepted: the page, its stylesheets and scripts
    (following the scripts' module imports), as the proxy serves them."""
    gzip_headers = {"Accept-Encoding": "gzip"}
    status, headers, body = fetch(port, page["path"], gzip_headers)
    weight = {
        "html": len(body),
        "css": 0,
        "js": 0,
        "encoding": headers.get("Content-Encoding", "none"),
    }
    weight["third_party"] = []
    weight["fonts"] = False
    if not page["html"] or status != 200:
        weight["total"] = weight["html"]
        return weight
    text = decoded(body, headers).decode("utf-8", "replace")
    queue = [urljoin(page["path"], src) for src in ASSET.findall(text)]
    seen = set()
    while queue:
        address = queue.pop()
        if address in seen:
            continue
        seen.add(address)
        parts = urlsplit(address)
        if parts.netloc and parts.netloc not in ("127.0.0.1", f"127.0.0.1:{port}"):
            weight["third_party"].append(address)
            continue
        _status, asset_headers, asset = fetch(port, parts.path, gzip_headers)
        kind = "css" if parts.path.endswith(".css") else "js"
        weight[kind] += len(asset)
        content = decoded(asset, asset_headers).decode("utf-8", "replace")
        if kind == "css" and "@font-face" in content:
            weight["fonts"] = True
        if kind == "js":
            queue += [urljoin(parts.path, imported) for imported in MODULE_IMPORT.findall(content)]
    if re.search(r"<link[^>]*as=\"font\"", text):
        weight["fonts"] = True
    weight["total"] = weight["html"] + weight["css"] + weight["js"]
    return weight


def decoded(body, headers):
    return gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body


def time_searches(port, count):
    """p50 and p95 of search pages fetched one at a time (page cache off)."""
    from urllib.parse import quote

    timings = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for index in range(count):
        term = SEARCH_TERMS[index % len(SEARCH_TERMS)]
        started = time.perf_counter()
        connection.request("GET", f"/search/?q={quote(term)}")
        response = connection.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.getheader("Connection", "").lower() == "close" or response.will_close:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.close()
    timings.sort()
    return {
        "requests": count,
        "terms": len(SEARCH_TERMS),
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[min(len(timings) - 1, int(len(timings) * 0.95))],
    }


# Reference page ------------------------------------------------------------------


def reference_key(page):
    """The page's name as a path segment: "news detail" -> "news-detail"."""
    return re.sub(r"[^a-z0-9]+", "-", page["name"].lower()).strip("-")


def file_extension(content_type):
    """The extension nginx maps back to the page's Content-Type (bench/nginx.conf)."""
    if "rss" in content_type:
        return "rss"
    return "xml" if "xml" in content_type else "html"


def write_reference_pages(port, pages):
    """Each page's bytes, as the three references serve them at /ref/<page key>: a file
    for the floor and nginx, and a near-literal template for minimal Django (the title
    a variable; a page without <title>, the sitemap, stays literal), plus pages.json
    listing them. Sets each page's "reference_path" and "bytes" (what the site sent,
    uncompressed, as wrk receives it)."""
    directory = WORK / "reference"
    shutil.rmtree(directory, ignore_errors=True)  # no stale page from an earlier run
    (directory / "pages").mkdir(parents=True)
    (directory / "templates").mkdir()
    manifest = {}
    for page in pages:
        status, headers, body = fetch(port, page["path"])
        if status != 200:
            raise RuntimeError(f"{page['path']} answered {status}; see {WORK / 'site_off.log'}")
        key = reference_key(page)
        content_type = headers.get("Content-Type", "text/html; charset=utf-8")
        name = f"{key}.{file_extension(content_type)}"
        (directory / "pages" / name).write_bytes(body)
        template, title = near_literal_template(body.decode("utf-8"))
        (directory / "templates" / name).write_text(template, encoding="utf-8")
        manifest[key] = {
            "name": page["name"],
            "path": f"/ref/{key}",
            "file": name,
            "template": name,
            "title": title,
            "content_type": content_type,
        }
        page["reference_path"] = f"/ref/{key}"
        page["bytes"] = len(body)
    (directory / "pages.json").write_text(json.dumps(manifest, indent=2))
    return directory


def near_literal_template(text):
    """(template, title): the page as a Django template whose only variable is the
    first <title>, unescaped here because the template escapes it again."""
    # Django template syntax must not appear literally; spacing it out keeps the size.
    for tag in ("{{", "{%", "{#"):
        text = text.replace(tag, tag[0] + " " + tag[1:])
    found = re.search(r"<title>(.*?)</title>", text, flags=re.S)
    if not found:
        return text, None
    title = html.unescape(found.group(1))
    return text[: found.start(1)] + "{{ title }}" + text[found.end(1) :], title


def measure_reference_bytes(ports, pages):
    """The body each reference sends for each page (uncompressed, as wrk asks), so the
    results show they match the page's own bytes."""
    for page in pages:
        page["reference_bytes"] = {}
        for reference in results.REFERENCES:
            status, _headers, body = fetch(ports[reference], page["reference_path"])
            if status != 200:
                raise RuntimeError(
                    f"The {reference} reference answered {status} for "
                    f"{page['reference_path']}; see {WORK / (reference + '.log')}"
                )
            page["reference_bytes"][reference] = len(body)


def write_nginx_config(ports, page_dir):
    for folder in ("cache", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (WORK / "nginx" / folder).mkdir(parents=True, exist_ok=True)
    shutil.rmtree(WORK / "nginx" / "cache")  # every run starts with an empty proxy cache
    (WORK / "nginx" / "cache").mkdir()
    text = (BENCH / "nginx.conf").read_text()
    for name, value in {
        "@WORK@": str(WORK),
        "@STATIC_PORT@": str(ports["static"]),
        "@PROXY_PORT@": str(ports["proxy"]),
        "@UPSTREAM@": f"127.0.0.1:{ports['site']}",
        "@PAGE_DIR@": str(page_dir),
        "@STATIC_ROOT@": str(WORK / "static"),
    }.items():
        text = text.replace(name, value)
    path = WORK / "nginx" / "nginx.conf"
    path.write_text(text)
    return path


# Facts about the machine -----------------------------------------------------------


def command_version(*command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    # wrk prints its version with a usage message and a non-zero status; nginx on stderr.
    lines = (result.stdout + result.stderr).strip().splitlines()
    return lines[0] if lines else "?"


def machine():
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {"cores (nproc)": os.cpu_count(), "CPU": cpu, "system": platform.platform()}


def versions(config):
    import django
    import psycopg

    gunicorn_version = subprocess.run(
        [str(GUNICORN), "--version"], capture_output=True, text=True
    ).stdout.strip()
    with psycopg.connect(config.database_url) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    return {
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "gunicorn": gunicorn_version,
        "PostgreSQL": postgres,
        "Redis": command_version("redis-server", "--version"),
        "nginx": command_version("nginx", "-v"),
        "wrk": command_version("wrk", "--version"),
    }


# The run -------------------------------------------------------------------------


def prepare(config, env_on, env_off):
    """The bench database created if missing, migrated and filled with the dataset, the
    static files collected, and the probe's pages (with their query counts, page cache
    off): (dataset counts, probe)."""
    create_database(config.database_url)
    manage(env_on, "migrate", "--noinput", "-v0")
    dataset_output = manage(
        env_on,
        "shell",
        "-c",
        "import json; from bench.dataset import build, counts; "
        f"build({config.press_releases}, {config.decisions}, {config.deliverables}, "
        f"{config.photos}); print('BENCH_JSON ' + json.dumps(counts()))",
        capture=True,
    )
    dataset = bench_json(dataset_output)
    manage(env_on, "collectstatic", "--noinput", "-v0")
    probe = bench_json(
        manage(env_off, "shell", "-c", "from bench.probe import main; main()", capture=True)
    )
    return dataset, probe


def gunicorn_config_file():
    """deploy/gunicorn.conf.py, as production runs the site; None when it is not there."""
    path = ROOT / "deploy" / "gunicorn.conf.py"
    return path if path.exists() else None


def main():
    # Stopped by a signal (a CI time limit, say), still stop every server this run started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(f"Stopped by signal {signum}"))
    config = Settings()
    started = datetime.now(UTC)
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: `make bench` installs it (apt-get install {tool}).")
    WORK.mkdir(parents=True, exist_ok=True)
    ports = config.ports()
    env_on = site_environment(config)
    env_off = site_environment(config, cache_on=False)

    print("Preparing the database and the dataset...", flush=True)
    dataset, probe = prepare(config, env_on, env_off)
    pages = probe["pages"]
    flush_redis(config.redis_url)

    gunicorn_config = gunicorn_config_file()
    servers = Servers()
    try:
        print("Starting gunicorn and nginx...", flush=True)
        wsgi = "strategy_site.wsgi:application"
        servers.gunicorn("site", wsgi, env_on, ports["site"], config.workers, gunicorn_config)
        servers.gunicorn(
            "site_off", wsgi, env_off, ports["site_off"], config.workers, gunicorn_config
        )
        reference_dir = write_reference_pages(ports["site_off"], pages)
        reference_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BENCH_"))},
            "BENCH_REFERENCE_DIR": str(reference_dir),
        }
        servers.gunicorn(
            "floor",
            "bench.floor_wsgi:application",
            reference_env,
            ports["floor"],
            config.workers,
            gunicorn_config,
        )
        servers.gunicorn(
            "minimal",
            "bench.minimal_django.wsgi:application",
            {
                **reference_env,
                "DJANGO_SETTINGS_MODULE": "bench.minimal_django.settings",
            },
            ports["minimal"],
            config.workers,
            gunicorn_config,
        )
        nginx_config = write_nginx_config(ports, reference_dir / "pages")
        servers.start(
            "nginx",
            ["nginx", "-p", str(WORK / "nginx"), "-c", str(nginx_config)],
            os.environ,
            ports["static"],
        )
        wait_for_port(ports["proxy"], servers.processes[-1][1], "nginx")
        measure_reference_bytes(ports, pages)

        runs = run_rounds(config, pages, ports)
        print("Edits under load...", flush=True)
        try:
            edit_run = edits_under_load(config, ports["site"], pages, env_on)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            print(f"  edits under load not measured: {error}", flush=True)
            edit_run = None
        print("Addresses nginx passes through...", flush=True)
        passed = passed_through(config, ports["proxy"])
        print("Weighing pages and timing searches...", flush=True)
        for page in pages:
            page["weight"] = page_weight(ports["proxy"], page)
            page["cache_status"] = fetch(ports["proxy"], page["path"])[1].get("X-Proxy-Cache", "")
            page["cache_control"] = fetch(ports["site"], page["path"])[1].get("Cache-Control", "")
        search = time_searches(ports["site_off"], config.search_requests)
        run_versions = versions(config)
    finally:
        servers.stop()

    run = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": run_versions,
        "settings": {
            **config.as_table(),
            "dataset": ", ".join(f"{count:,} {kind}" for kind, count in dataset.items()),
            "references": "each page's own bytes (fetched from the cache-off site), "
            "served by all three at /ref/<page>; sizes under Reference points",
            "gunicorn config": str(gunicorn_config.relative_to(ROOT))
            if gunicorn_config
            else "none (deploy/gunicorn.conf.py not found)",
            "database engine": probe["vendor"],
        },
        "pages": pages,
        "medians": medians(runs),
        "runs": runs,
        "search": search,
        "edits": edit_run,
        "passed_through": passed,
    }
    (WORK / "results.json").write_text(json.dumps(run, indent=2))
    markdown = results.write(config.results_path, run)
    print(markdown)
    print(f"Written to {config.results_path}")


if __name__ == "__main__":
    main()
