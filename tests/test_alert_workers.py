"""Alert emails sent by real worker processes, as production runs them: killed, stopped,
restarted, on the database queue and on Redis (issue #22, "Never twice, never lost").

Every test here starts real processes (`manage.py db_worker`, `rqworker`, `make run`)
on a database of its own: a temporary SQLite file when the suite runs on SQLite, a
temporary PostgreSQL database when DATABASE_URL points at PostgreSQL. Each is a copy of
one database migrated once for this module, dropped afterwards. Emails go to a real SMTP
server in this process (aiosmtpd, tests/smtp.py), which can hold every sender at its
next message, so a kill lands mid-chunk at a known point instead of at a lucky moment.
"""

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from tests.smtp import Inbox, free_port

ROOT = Path(__file__).resolve().parent.parent

PEOPLE = 300
CHUNK = 20  # ALERTS_CHUNK: emails a worker takes at a time
LEASE = 2  # ALERTS_LEASE_SECONDS for the crash test: how long a dead worker's emails wait
# The worker as systemd runs it (deploy/strategy-worker@.service): one process, no
# reloader (with DEBUG on it would run in a child that outlives a kill of its parent).
WORKER = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"]


def environment(**extra):
    """This shell's environment without the site's own settings, plus `extra`: each
    process reads its settings from here, as it would from a server's .env file."""
    ours = ("DJANGO_", "DATABASE_", "SITE_", "EMAIL_", "ALERTS_", "TASKS_", "REDIS_", "CACHE_")
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(ours) and key not in {"PORT", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    return {**kept, "DJANGO_DEBUG": "1", **extra}


def manage(env, *args, timeout=180):
    """Run a management command to its end; its output, or a failure that shows it."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def shell(env, code):
    """Run Python in the site's shell; the last line it prints, read as JSON."""
    output = manage(env, "shell", "--verbosity", "0", "--command", code)
    lines = output.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def wait_for(condition, what, timeout=60, logs=()):
    """Wait until `condition()` holds; fail, saying what never happened, at the deadline."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            shown = "\n".join(
                f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs if log.exists()
            )
            raise AssertionError(f"gave up waiting for {what}\n{shown}")
        time.sleep(0.05)


def reachable(address):
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


# A database the processes share -------------------------------------------------------


class Postgres:
    """The suite's PostgreSQL server: temporary databases named after the suite's own."""

    def __init__(self, params):
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        self.base = (
            f"postgres://{params['USER'] or 'postgres'}{password}"
            f"@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
        )
        self.prefix = params["NAME"].removeprefix("test_")[:40]

    def run(self, sql):
        import psycopg

        with psycopg.connect(f"{self.base}/postgres", autocommit=True) as admin:
            admin.execute(sql)

    def create(self, template=None):
        name = f"{self.prefix}_workers_{secrets.token_hex(4)}"
        self.run(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def url(self, name):
        return f"{self.base}/{name}"

    def drop(self, name):
        self.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A function making a fresh copy of one database migrated for this module:
    returns the copy's DATABASE_URL and a function that removes it."""
    if connection.vendor == "postgresql":
        server = Postgres(connection.settings_dict)
        template = server.create()
        try:
            manage(environment(DATABASE_URL=server.url(template)), "migrate", "--noinput")

            def copy():
                name = server.create(template)
                return server.url(name), lambda: server.drop(name)

            yield copy
        finally:
            server.drop(template)
    else:
        folder = tmp_path_factory.mktemp("alert-workers")
        template = folder / "migrated.sqlite3"
        manage(environment(DATABASE_URL=f"sqlite:///{template}"), "migrate", "--noinput")

        def copy():
            path = folder / f"{secrets.token_hex(4)}.sqlite3"
            shutil.copy(template, path)
            return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)

        yield copy


@pytest.fixture
def database(migrated):
    """DATABASE_URL of a migrated database of this test's own, removed afterwards."""
    url, remove = migrated()
    yield url
    remove()


@pytest.fixture
def processes():
    """What a test starts: anything still running at its end is killed."""
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def start(processes, log, args, env, **options):
    """Start a command in the background, its output in `log`."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, **options
        )
    processes.append(process)
    return process


def stop(process, how=signal.SIGTERM, timeout=30):
    """Signal a process and wait for it to end; its exit code."""
    process.send_signal(how)
    return process.wait(timeout=timeout)


# People, a press release, and what was sent ---------------------------------------------

SUBSCRIBE = """
from django.utils import timezone
from alerts.models import Subscriber, Subscription
now = timezone.now()
people = Subscriber.objects.bulk_create(
    Subscriber(email=f"person{{n}}@example.org", confirmed_at=now) for n in range({count})
)
Subscription.objects.bulk_create(
    Subscription(subscriber=p, what="news", frequency="immediately", confirmed_at=now)
    for p in people
)
"""

PUBLISH = """
from datetime import timedelta
from django.utils import timezone
from news.models import PressRelease
PressRelease.objects.create(
    title={title!r}, standfirst="What families can expect.", body="Text.",
    status="published", published_at=timezone.now() + timedelta(seconds={delay}),
)
"""

DELIVERIES = """
import json
from alerts.models import Delivery
print(json.dumps(list(Delivery.objects.values_list("subscriber__email", "status"))))
"""


def subscribe(env, count):
    shell(env, SUBSCRIBE.format(count=count))
    return {f"person{n}@example.org" for n in range(count)}


def publish(env, title, delay=0):
    """Publish a press release as an editor does (its emails are queued as it commits)."""
    shell(env, PUBLISH.format(title=title, delay=delay))


def deliveries(env):
    """{status: set of addresses} of every email recorded."""
    found = {}
    for email, status in shell(env, DELIVERIES):
        found.setdefault(status, set()).add(email)
    return found


def received(inbox, subject=None):
    """How many emails each address received (with this subject, if given)."""
    return Counter(
        address
        for message in list(inbox.messages)
        if subject is None or message["Subject"] == subject
        for address in message.recipients
    )


class HeldInbox(Inbox):
    """A mail server that accepts `until` emails, then holds every sender at its next
    one (its MAIL command gets no answer) until `release()`: a server gone slow, so a
    worker is stopped while it is part way through the emails it took."""

    def __init__(self, until):
        super().__init__()
        self.until = until
        self.held = 0
        self.released = threading.Event()

    def release(self):
        self.released.set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if len(self.messages) >= self.until and not self.released.is_set():
            self.held += 1
            try:
                while not self.released.is_set():
                    await asyncio.sleep(0.02)
            finally:
                self.held -= 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"


@pytest.fixture
def mail_server():
    """Start a real SMTP server with the given inbox; the settings that send to it."""
    controllers = []

    def serve(inbox):
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append((controller, inbox))
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}

    yield serve
    for controller, inbox in controllers:
        if isinstance(inbox, HeldInbox):
            inbox.release()
        controller.stop()


# 1. Killed and stopped workers ------------------------------------------------------------


def test_workers_killed_mid_send_lose_no_email_and_repeat_only_what_was_in_flight(
    database, mail_server, processes, tmp_path
):
    """Two workers share 300 emails; both are killed (SIGKILL) part way through a
    chunk. Restarted, and with `send_alerts` run once the lease is over, every person
    gets the alert, and only the emails in flight at the kill (handed to the mail server,
    not yet recorded as sent) arrive twice: at most one chunk per worker killed."""
    # Held after 110 emails: two workers' counts cannot both be whole chunks of 20, so
    # at least one is killed with part of its chunk already handed to the mail server.
    inbox = HeldInbox(until=110)
    env = environment(
        DATABASE_URL=database,
        ALERTS_CHUNK=str(CHUNK),
        ALERTS_LEASE_SECONDS=str(LEASE),
        **mail_server(inbox),
    )
    everyone = subscribe(env, PEOPLE)
    logs = [tmp_path / f"worker{n}.log" for n in range(4)]
    workers = [start(processes, log, WORKER, env) for log in logs[:2]]
    publish(env, "Short breaks for the summer")

    wait_for(lambda: inbox.held == 2, "both workers to be part way through sending", logs=logs)
    for worker in workers:
        assert stop(worker, signal.SIGKILL) == -signal.SIGKILL
    lease_over = time.monotonic() + LEASE + 0.5  # every lease was given before the kill
    at_kill = received(inbox)
    recorded = deliveries(env)
    in_flight = set(at_kill) - recorded.get("sent", set())
    assert 0 < len(at_kill) < PEOPLE, "killed when some, not all, emails had arrived"
    assert recorded.get("sending"), "killed holding emails they had taken"
    assert in_flight <= recorded.get("sending", set()), "in flight only in a taken chunk"
    inbox.release()

    restarted = [start(processes, log, WORKER, env) for log in logs[2:]]
    wait_for(lambda: time.monotonic() > lease_over, "the killed workers' leases to end")
    manage(env, "send_alerts")
    wait_for(
        lambda: sum(received(inbox).values()) >= PEOPLE + len(in_flight),
        "every remaining email to arrive",
        logs=logs,
    )
    for worker in restarted:
        assert stop(worker) == 0

    counts = received(inbox)
    twice = {address for address, times in counts.items() if times > 1}
    assert set(counts) == everyone, "every subscriber got the alert"
    assert max(counts.values()) <= 2
    assert twice == in_flight, "only the emails in flight at the kill came twice"
    assert len(twice) <= CHUNK * len(workers)
    assert deliveries(env) == {"sent": everyone}
    print(
        f"\nCrash test ({connection.vendor}): {PEOPLE} people, 2 workers, chunks of "
        f"{CHUNK}, both killed (SIGKILL). At the kill {len(at_kill)} emails had arrived, "
        f"{len(recorded.get('sent', ()))} were recorded as sent, "
        f"{len(recorded.get('sending', ()))} were taken by the workers ('sending'), of "
        f"which {len(in_flight)} had reached the mail server (in flight). Afterwards "
        f"everyone had it; {len(twice)} people had it twice (the bound: {CHUNK * 2})."
    )


def test_a_worker_stopped_with_sigterm_finishes_what_it_took_and_loses_nothing(
    database, mail_server, processes, tmp_path
):
    """`systemctl stop` sends SIGTERM: the worker finishes the emails it took before it
    exits, so nothing is left half-sent, nothing is lost and nobody gets one twice."""
    inbox = HeldInbox(until=PEOPLE // 3)
    env = environment(
        DATABASE_URL=database,
        ALERTS_CHUNK=str(CHUNK),
        ALERTS_LEASE_SECONDS="300",  # held by the mail server, a chunk stays its worker's
        **mail_server(inbox),
    )
    everyone = subscribe(env, PEOPLE)
    logs = [tmp_path / f"worker{n}.log" for n in range(3)]
    workers = [start(processes, log, WORKER, env) for log in logs[:2]]
    publish(env, "Short breaks for the summer")

    wait_for(lambda: inbox.held == 2, "both workers to be part way through sending", logs=logs)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    inbox.release()
    for worker in workers:
        assert worker.wait(timeout=60) == 0, "a clean exit"
    assert "sending" not in deliveries(env), "no email left half-sent, waiting for a lease"

    # Whatever a stopped worker left waiting (nothing, or whole chunks) goes next time.
    restarted = start(processes, logs[2], WORKER, env)
    manage(env, "send_alerts")
    wait_for(lambda: set(received(inbox)) == everyone, "every email to arrive", logs=logs)
    assert stop(restarted) == 0
    assert received(inbox) == Counter(everyone), "everyone once, nobody twice"
    assert deliveries(env) == {"sent": everyone}


# 2. The same tasks on Redis, through RQ ----------------------------------------------------


@pytest.fixture
def redis_queue(processes, tmp_path):
    """REDIS_URL of a redis-server of this test's own, on a spare port, with nothing kept
    on disk. (The machine's Redis is shared: the benchmark empties its database 13.)"""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("needs redis-server (Debian's redis-server package): not installed")
    port = free_port()
    log = tmp_path / "redis.log"
    options = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    start(processes, log, [server, *options], os.environ)
    wait_for(lambda: reachable(("127.0.0.1", port)), "redis-server to answer", logs=[log])
    return f"redis://127.0.0.1:{port}/0"


def rq_worker(env):
    """An RQ worker as deploy/README.md runs one, but stopping when the queue is empty."""
    return manage(
        env,
        "rqworker",
        "--burst",
        "--with-scheduler",
        "--job-class",
        "django_tasks_rq.Job",
        "default",
    )


def test_with_redis_publishing_sends_each_alert_once_through_rq_workers(
    database, mail_server, redis_queue
):
    """TASKS_BACKEND=redis: the same tasks run on RQ's workers. A press release is
    emailed at once; a scheduled one waits in RQ's scheduled jobs until its moment,
    when a worker with the scheduler sends it; running the workers again sends nothing
    twice."""
    import redis
    from rq.registry import ScheduledJobRegistry

    inbox = Inbox()
    env = environment(
        DATABASE_URL=database, TASKS_BACKEND="redis", REDIS_URL=redis_queue, **mail_server(inbox)
    )
    everyone = subscribe(env, 30)
    publish(env, "Sent through Redis")
    publish(env, "Scheduled through Redis", delay=3)
    due = time.monotonic() + 3
    scheduled = ScheduledJobRegistry("default", connection=redis.Redis.from_url(redis_queue))
    assert len(scheduled.get_job_ids()) == 1, "the scheduled item waits in RQ's scheduler"

    wait_for(lambda: time.monotonic() > due, "the scheduled press release's moment")
    rq_worker(env)
    rq_worker(env)
    assert received(inbox, "New: Sent through Redis") == Counter(everyone)
    assert received(inbox, "New: Scheduled through Redis") == Counter(everyone)
    assert sum(received(inbox).values()) == 2 * len(everyone), "nothing else, nothing twice"
    assert deliveries(env) == {"sent": everyone}


# 3. `make run` starts a worker beside the site ---------------------------------------------


def test_make_run_starts_the_worker_and_a_published_item_lands_in_sent_emails(
    database, processes, tmp_path
):
    """`make run` (its own recipe; the install, migrate and content steps left out with
    `-o content`, as this database is migrated already): the site answers, the worker
    says it started, a press release published while it runs is emailed, as a file in
    sent-emails/ (no EMAIL_HOST in development), and Ctrl+C stops the worker too."""
    port = free_port()
    env = environment(DATABASE_URL=database)
    subscribe(env, 1)
    venv = Path(sys.executable).parent.parent
    log = tmp_path / "make-run.log"
    make = start(
        processes,
        log,
        ["make", "run", "-o", "content", f"VENV={venv}", f"PORT={port}"],
        env,
        start_new_session=True,  # its own process group: make, the worker and the server
    )
    title = f"Published while make run runs {secrets.token_hex(4)}"
    sent_emails = ROOT / "sent-emails"

    def ours():
        return [
            path
            for path in (sent_emails.glob("*.log") if sent_emails.is_dir() else [])
            if title in path.read_text(errors="replace")
        ]

    def serving():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return True
        except OSError:
            return False

    try:
        wait_for(serving, "the site to answer", timeout=60, logs=[log])
        wait_for(lambda: "Starting worker" in log.read_text(), "the worker", logs=[log])
        assert "Starting the email alert worker beside the site" in log.read_text()
        publish(env, title)
        wait_for(lambda: ours(), "the alert email in sent-emails/", logs=[log])
        [email] = ours()
        assert "To: person0@example.org" in email.read_text()

        os.killpg(make.pid, signal.SIGINT)  # Ctrl+C in the terminal
        wait_for(lambda: not group_alive(make), "the worker to stop with the site", logs=[log])
    finally:
        end_group(make)
        for path in ours():
            path.unlink()


def end_group(process):
    """Stop a process and everything it started in its group (SIGTERM, then SIGKILL)."""
    for how in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, how)
        except ProcessLookupError:
            break
        try:
            wait_for(lambda: not group_alive(process), "the group to end", timeout=15)
            break
        except AssertionError:
            continue
    process.wait(timeout=30)


def group_alive(process):
    process.poll()  # reaps the leader once it has ended
    try:
        os.killpg(process.pid, 0)
        return True
    except ProcessLookupError:
        return False
