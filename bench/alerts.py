"""
Email alerts under load: `python -m bench.alerts` (part of `make bench`).

What issue #22 asks of sending, measured with the parts production runs: PostgreSQL (the
bench database, built as `make bench` builds it when missing), the database task queue
worked by `manage.py db_worker` processes (BENCH_ALERT_WORKERS, 2), Django's SMTP
backend, and a local SMTP sink in a process of its own (bench/smtp_sink.py) that accepts
every message and keeps none.

1. **The sink alone**: each sink (aiosmtpd, and a plain asyncio one) driven by two
   smtplib clients sending ready-made messages, so the table can show the sink is not
   what limits the workers.
2. **A press release to N people**, for each size in BENCH_ALERT_SIZES (5,000 and
   50,000): N confirmed subscribers on the news list, bulk-created; fresh workers
   started and idle; one press release published through the ORM as the admin saves it.
   Measured: from the save to the last email accepted by the sink (the announce task's
   fan-out, then both workers sending), emails per second, each worker's peak memory
   (VmHWM in /proc/<pid>/status: the high-water mark of its resident memory since it
   started), and the SQL queries the workers sent per 1,000 emails.
3. **A daily digest**: BENCH_ALERT_DIGEST_SUBSCRIBERS (50,000) people on a daily
   summary of news, BENCH_ALERT_DIGEST_CHANGES (10) changes announced yesterday, fresh
   workers; from starting `manage.py send_digests daily` (as cron would) to the last
   email accepted.

Queries are counted inside each worker (bench/counted_worker.py: `db_worker` run inside
Django's `connection.execute_wrapper`), from just before the publication to the last
email, so they include the workers' polls of the queue while they wait.

Everything the run adds is marked: subscribers' addresses start `bench-subscriber-`,
the published press release's slug starts `bench-alert-`, the digest's changes are the
dataset's own press releases ("Benchmark sample"). An earlier run's leftovers are
removed first and this run's at its end; the bench database is the benchmark's own, so
the day's daily digest is removed too (the command makes one per day).

The figures go into bench/results.md as its "Email alerts" section (bench/results.py),
replacing only that section, and into bench/.work/results.json as its "alerts" part.
How to read them: docs/notes/bench.md.
"""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import results, run
from bench.faults import spare_port

EMAIL_PREFIX = "bench-subscriber-"
EMAIL_DOMAIN = "example.org"
ALERT_SLUG = "bench-alert-"
SINKS = ("aiosmtpd", "plain")


class Settings:
    """The alerts run's own settings; the database and where results go are the
    benchmark's (bench/run.py)."""

    def __init__(self):
        quick = run.QUICK
        sizes = run.setting("BENCH_ALERT_SIZES", "500,5000" if quick else "5000,50000")
        self.sizes = [int(size) for size in sizes.split(",") if size.strip()]
        self.digest_subscribers = run.setting(
            "BENCH_ALERT_DIGEST_SUBSCRIBERS", 5000 if quick else 50000
        )
        self.digest_changes = run.setting("BENCH_ALERT_DIGEST_CHANGES", 10)
        self.workers = run.setting("BENCH_ALERT_WORKERS", 2)
        self.sink = run.setting("BENCH_ALERT_SINK", "aiosmtpd")
        self.sink_messages = run.setting("BENCH_ALERT_SINK_MESSAGES", 2000 if quick else 10000)
        self.timeout = run.setting("BENCH_ALERT_TIMEOUT", 900.0)
        # The largest press release again through the other sink, to show what the
        # sink's own speed does to the figures.
        self.compare_sinks = run.setting("BENCH_ALERT_COMPARE_SINKS", 1) != 0


# Inside Django (run through `manage.py shell -c`) ----------------------------------------


def say(value):
    print("BENCH_JSON " + json.dumps(value), flush=True)


def subscriber_email(number):
    return f"{EMAIL_PREFIX}{number:06d}@{EMAIL_DOMAIN}"


def clear():
    """Remove what a run adds: the subscribers with their subscriptions and emails, the
    published press releases and their changes, the changes of the digest, the day's
    daily digest, and tasks still waiting.

    The subscribers, their subscriptions and emails go by SQL: the ORM's delete() sends
    post_delete for each row, and the page cache and search listen to every model's, so
    tens of thousands of rows would cost as many calls to Redis."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from alerts.digests import period
    from alerts.models import Change, Delivery, Digest, Frequency, Subscriber, Subscription
    from bench.dataset import TITLE_PREFIX
    from news.models import PressRelease

    subscribers = Subscriber._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Delivery, Subscription):
            cursor.execute(
                f'DELETE FROM "{model._meta.db_table}" WHERE "subscriber_id" IN '
                f'(SELECT "id" FROM "{subscribers}" WHERE "email" LIKE %s)',
                [f"{EMAIL_PREFIX}%"],
            )
        cursor.execute(f'DELETE FROM "{subscribers}" WHERE "email" LIKE %s', [f"{EMAIL_PREFIX}%"])
    published = PressRelease.objects.filter(slug__startswith=ALERT_SLUG)
    Change.objects.filter(
        content_type=ContentType.objects.get_for_model(PressRelease),
        object_id__in=list(published.values_list("pk", flat=True)),
    ).delete()
    published.delete()
    Change.objects.filter(title__startswith=TITLE_PREFIX).delete()
    Digest.objects.filter(
        frequency=Frequency.DAILY, period_start=period(Frequency.DAILY)[0]
    ).delete()
    DBTaskResult.objects.ready().filter(task_path__startswith="alerts.").delete()


def clean_up():
    clear()
    vacuum()
    say({"cleared": True})


def vacuum():
    """Clear the dead rows earlier runs left (each email's row is written three times)
    and refresh the statistics, as autovacuum keeps a live database: these machines'
    PostgreSQL runs with it off (bench/dataset.py)."""
    from django.apps import apps
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    tables = [model._meta.db_table for model in apps.get_app_config("alerts").get_models()]
    tables.append(DBTaskResult._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            cursor.execute("ANALYZE")  # a test's transaction: VACUUM cannot run in one
        else:
            cursor.execute("VACUUM ANALYZE " + ", ".join(f'"{table}"' for table in tables))


def add_subscribers(count, frequency, batch_size=5000):
    """`count` confirmed subscribers to the news list at `frequency`, bulk-created,
    after clearing an earlier run's."""
    from django.db import transaction
    from django.utils import timezone

    from alerts.models import Subscriber, Subscription, What

    clear()
    now = timezone.now()
    with transaction.atomic():
        Subscriber.objects.bulk_create(
            (
                Subscriber(email=subscriber_email(number), confirmed_at=now)
                for number in range(1, count + 1)
            ),
            batch_size=batch_size,
        )
        ids = Subscriber.objects.filter(email__startswith=EMAIL_PREFIX).values_list("pk", flat=True)
        Subscription.objects.bulk_create(
            (
                Subscription(
                    subscriber_id=pk, what=What.NEWS, frequency=frequency, confirmed_at=now
                )
                for pk in ids.iterator(chunk_size=batch_size)
            ),
            batch_size=batch_size,
        )
    vacuum()
    say({"subscribers": Subscriber.objects.filter(email__startswith=EMAIL_PREFIX).count()})


def publish():
    """Publish one press release as the admin saves it; say when the save began."""
    from django.db import transaction
    from django.utils import timezone

    from bench.dataset import TITLE_PREFIX
    from news.models import PressRelease
    from priorities.models import Strategy
    from publishing.models import Status

    started = time.time()
    now = timezone.now()
    with transaction.atomic():
        release = PressRelease(
            title=f"{TITLE_PREFIX} press release for email alerts",
            slug=f"{ALERT_SLUG}{int(started)}",
            standfirst="A benchmark sample: it tells the people on the news list that "
            "something new is on the site.",
            body="A benchmark sample.",
            strategy=Strategy.objects.current(),
            status=Status.PUBLISHED,
            published_at=now,
            first_published_at=now,
        )
        release.save()
    say({"started": started, "saved": time.time(), "pk": release.pk})


def add_digest_changes(count):
    """`count` of the dataset's press releases, announced yesterday (as `announce`
    records them), for the daily digest to gather."""
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType

    from alerts.changes import alert_kind, lists_of
    from alerts.digests import period
    from alerts.models import Change, Frequency, Reason
    from bench.dataset import SLUG_PREFIX
    from news.models import PressRelease

    start, _end = period(Frequency.DAILY)
    kind = alert_kind(PressRelease)
    items = PressRelease.objects.filter(slug__startswith=f"{SLUG_PREFIX}news-").order_by("slug")
    for offset, item in enumerate(items[:count]):
        moment = start + timedelta(hours=9, minutes=offset)
        Change.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(PressRelease),
            object_id=item.pk,
            reason=Reason.PUBLISHED,
            defaults={
                "due_at": moment,
                "announced_at": moment,
                "kind_label": kind.label,
                "title": kind.title(item)[:300],
                "summary": kind.summary(item),
                "address": kind.address(item),
                "lists": lists_of(kind, item),
            },
        )
    say({"changes": Change.objects.announced_between(*period(Frequency.DAILY)).count()})


def sent(press_release_pk=None):
    """How the run's emails ended, by status: the published press release's, or (with
    no press release) the day's daily digest's."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from alerts.digests import period
    from alerts.models import Change, Delivery, Digest, Frequency
    from news.models import PressRelease

    if press_release_pk is not None:
        change = Change.objects.get(
            content_type=ContentType.objects.get_for_model(PressRelease),
            object_id=press_release_pk,
        )
        emails = Delivery.objects.filter(change=change)
    else:
        digest = Digest.objects.get(
            frequency=Frequency.DAILY, period_start=period(Frequency.DAILY)[0]
        )
        emails = Delivery.objects.filter(digest=digest)
    statuses = dict(emails.values_list("status").annotate(n=Count("pk")).order_by())
    say({"statuses": statuses, "attempts_over_1": emails.filter(attempts__gt=1).count()})


def site_settings():
    from django.conf import settings

    say(
        {
            "chunk": settings.ALERTS_CHUNK,
            "senders": settings.ALERTS_SENDERS,
            "lease_s": settings.ALERTS_LEASE_SECONDS,
            "backend": settings.EMAIL_BACKEND,
            "tasks": settings.TASKS["default"]["BACKEND"],
        }
    )


# The harness ------------------------------------------------------------------------------


def django(env, call):
    """Run `call` (Python, after `from bench import alerts`) inside Django against the
    bench database; what it said (its BENCH_JSON line)."""
    output = run.manage(
        env, "shell", "-c", f"from bench import alerts; alerts.{call}", capture=True
    )
    return run.bench_json(output)


class Sink:
    """The SMTP sink in its own process (bench/smtp_sink.py)."""

    def __init__(self, kind, port, log_path):
        self.kind, self.port = kind, port
        self.process = subprocess.Popen(
            [str(run.PYTHON), "-m", "bench.smtp_sink", kind, str(port)],
            cwd=run.ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(log_path, "w"),  # noqa: SIM115 (closed with the process)
            text=True,
        )
        if not self.process.stdout.readline().startswith("BENCH_READY"):
            raise RuntimeError(f"The {kind} sink did not start; see {log_path}")

    def report(self):
        self.process.stdin.write("report\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline().removeprefix("BENCH_JSON "))

    def cpu_seconds(self):
        return cpu_seconds(self.process.pid)

    def wait_for(self, accepted, timeout, progress=None):
        """Poll until the sink has accepted `accepted` messages in all; its report.
        Gives up when nothing arrives for a minute, or after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        last_count, last_change = -1, time.monotonic()
        while True:
            report = self.report()
            if report["accepted"] >= accepted:
                return report
            now = time.monotonic()
            if report["accepted"] != last_count:
                last_count, last_change = report["accepted"], now
                if progress:
                    progress(report["accepted"])
            if now - last_change > 60 or now > deadline:
                raise RuntimeError(
                    f"The sink has {report['accepted']} of {accepted} messages and nothing "
                    "more is arriving; see the workers' logs in bench/.work/"
                )
            time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def cpu_seconds(pid):
    """User plus system CPU time of a process so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_times():
    """(busy, total) clock ticks of the whole machine so far (/proc/stat): busy is all
    but idle and waiting for disk."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def memory_kb(pid):
    """{"peak": VmHWM, "now": VmRSS} of a process, in kB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            found["peak" if name == "VmHWM" else "now"] = int(value.split()[0])
    return found


def sink_alone(kind, port, messages):
    """The sink's own rate: two smtplib clients, in processes of their own, sending
    `messages` ready-made messages between them over one connection each."""
    sink = Sink(kind, port, run.WORK / f"sink_alone_{kind}.log")
    try:
        before = sink.report()["accepted"]
        started = time.time()
        clients = [
            subprocess.Popen(
                [
                    str(run.PYTHON),
                    "-c",
                    "import sys; from bench.alerts import sink_client; "
                    "sink_client(int(sys.argv[1]), int(sys.argv[2]))",
                    str(port),
                    str(messages // 2),
                ],
                cwd=run.ROOT,
            )
            for _ in range(2)
        ]
        for client in clients:
            if client.wait() != 0:
                raise RuntimeError("A client of the sink failed")
        report = sink.wait_for(before + messages // 2 * 2, 120)
        seconds = report["last"] - started
        return {
            "sink": kind,
            "messages": report["accepted"] - before,
            "seconds": seconds,
            "per_second": (report["accepted"] - before) / seconds,
            "sink_cpu_s": sink.cpu_seconds(),
        }
    finally:
        sink.stop()


def sink_client(port, count):
    """Send `count` copies of an alert-sized message (plain text and HTML, about 3 KB)
    over one SMTP connection."""
    import smtplib

    body = "Why you got this email: you asked for emails about News, as it happens.\r\n"
    message = (
        "Subject: New: a benchmark sample\r\nFrom: alerts@example.org\r\n"
        "To: someone@example.org\r\nMIME-Version: 1.0\r\n\r\n" + body * 40
    ).encode()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for number in range(count):
            client.sendmail("alerts@example.org", [subscriber_email(number)], message)


class Workers:
    """`manage.py db_worker` processes counting their queries (bench/counted_worker.py)."""

    def __init__(self, env, count, label):
        self.entries = []
        for number in range(1, count + 1):
            name = f"alerts_{label}_worker{number}"
            counts_file = run.WORK / f"{name}.json"
            counts_file.unlink(missing_ok=True)
            log = open(run.WORK / f"{name}.log", "w")  # noqa: SIM115 (closed in stop)
            process = subprocess.Popen(
                [
                    str(run.PYTHON),
                    "-m",
                    "bench.counted_worker",
                    str(counts_file),
                    "--worker-id",
                    f"bench-{label}-{number}",
                ],
                cwd=run.ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.entries.append((process, counts_file, log))
        deadline = time.monotonic() + 60
        while not all(counts_file.exists() for _p, counts_file, _l in self.entries):
            if time.monotonic() > deadline or any(p.poll() is not None for p, *_ in self.entries):
                self.stop()
                raise RuntimeError(f"The workers did not start; see {run.WORK}/alerts_*.log")
            time.sleep(0.1)
        time.sleep(2)  # past db_worker's random start-up delay: polling the queue

    def counts(self):
        """Each worker's query counts so far (asked for with SIGUSR1)."""
        found = []
        for process, counts_file, _log in self.entries:
            before = json.loads(counts_file.read_text())["writes"]
            process.send_signal(signal.SIGUSR1)
            deadline = time.monotonic() + 10
            while (now := json.loads(counts_file.read_text()))["writes"] == before:
                if time.monotonic() > deadline:
                    raise RuntimeError("A worker did not write its query counts")
                time.sleep(0.02)
            found.append(now)
        return found

    def memory(self):
        return [memory_kb(process.pid) for process, *_ in self.entries]

    def cpu(self):
        return [cpu_seconds(process.pid) for process, *_ in self.entries]

    def stop(self):
        for process, _counts_file, _log in self.entries:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process, _counts_file, log in self.entries:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def queries(before, after, emails):
    """Queries the workers sent between two counts, by kind, and per 1,000 emails."""
    kinds = ("alerts", "queue", "other")
    by_kind = {
        kind: sum(a.get(kind, 0) - b.get(kind, 0) for b, a in zip(before, after, strict=True))
        for kind in kinds
    }
    total = sum(by_kind.values())
    return {**by_kind, "total": total, "per_1000": total * 1000 / emails if emails else None}


def measure(env, settings, sink, label, emails, start):
    """Fresh workers; `start()` (returns when the clock started); wait for `emails` more
    emails at the sink. The figures."""
    workers = Workers(env, settings.workers, label)
    baseline = sink.report()["accepted"]
    try:
        counts_before, cpu_before = workers.counts(), workers.cpu()
        sink_cpu_before, machine_before = sink.cpu_seconds(), cpu_times()
        started = start()
        report = sink.wait_for(baseline + emails, settings.timeout)
        machine = [a - b for a, b in zip(cpu_times(), machine_before, strict=True)]
        counts_after = workers.counts()
        memory = workers.memory()
        cpu = [a - b for a, b in zip(workers.cpu(), cpu_before, strict=True)]
        seconds = report["last"] - started
        figures = {
            "sink": sink.kind,
            "emails": report["accepted"] - baseline,
            "seconds": seconds,
            "per_second": (report["accepted"] - baseline) / seconds,
            "peak_rss_kb": [m["peak"] for m in memory],
            "rss_kb": [m["now"] for m in memory],
            "worker_cpu_s": cpu,
            "sink_cpu_s": sink.cpu_seconds() - sink_cpu_before,
            "machine_busy": machine[0] / machine[1] if machine[1] else None,
            "queries": queries(counts_before, counts_after, report["accepted"] - baseline),
        }
    finally:
        workers.stop()
    time.sleep(1)  # anything sent twice would arrive now
    figures["accepted_in_all"] = sink.report()["accepted"] - baseline
    return figures


def press_release_run(env, settings, sink, size):
    django(env, f"add_subscribers({size}, 'immediately')")
    published = {}

    def start():
        published.update(django(env, "publish()"))
        return published["started"]

    figures = measure(env, settings, sink, f"{size}_{sink.kind}", size, start)
    figures.update(
        what="press release",
        subscribers=size,
        outcome=django(env, f"sent({published['pk']})"),
    )
    return figures


def digest_run(env, settings, sink):
    size = settings.digest_subscribers
    django(env, f"add_subscribers({size}, 'daily')")
    changes = django(env, f"add_digest_changes({settings.digest_changes})")["changes"]

    def start():
        started = time.time()
        run.manage(env, "send_digests", "daily", "-v0")
        return started

    figures = measure(env, settings, sink, "digest", size, start)
    figures.update(
        what="daily digest", subscribers=size, changes=changes, outcome=django(env, "sent()")
    )
    return figures


def sending_environment(config, sink_port):
    """The site's production settings (bench/run.py), sending through the sink."""
    env = run.site_environment(config)
    env.update(
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink_port),
        EMAIL_USE_TLS="0",
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        DEFAULT_FROM_EMAIL="Benchmark <alerts@example.org>",
    )
    return env


def prepare(config, env):
    """The bench database, created and built as `make bench` builds it when missing."""
    run.create_database(config.database_url)
    run.manage(env, "migrate", "--noinput", "-v0")
    output = run.manage(
        env,
        "shell",
        "-c",
        "import json; from bench.dataset import build, counts; "
        f"build({config.press_releases}, {config.decisions}, {config.deliverables}, "
        f"{config.photos}); print('BENCH_JSON ' + json.dumps(counts()))",
        capture=True,
    )
    return run.bench_json(output)


def load_average():
    return round(os.getloadavg()[0], 2)


def main():
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(f"Stopped by signal {signum}"))
    config, alerts = run.Settings(), Settings()
    if alerts.sink not in SINKS:
        sys.exit(f"BENCH_ALERT_SINK must be one of {', '.join(SINKS)}")
    started = datetime.now(UTC)
    run.WORK.mkdir(parents=True, exist_ok=True)
    port = spare_port()
    env = sending_environment(config, port)
    print("Email alerts: preparing the database...", flush=True)
    dataset = prepare(config, env)
    site = django(env, "site_settings()")
    loads = {"start": load_average()}

    print("The SMTP sinks alone...", flush=True)
    alone = [sink_alone(kind, spare_port(), alerts.sink_messages) for kind in SINKS]

    runs = []
    try:
        sink = Sink(alerts.sink, port, run.WORK / "alerts_sink.log")
        try:
            for size in alerts.sizes:
                print(f"A press release to {size:,} people ({alerts.sink})...", flush=True)
                runs.append(press_release_run(env, alerts, sink, size))
            print(f"A daily digest to {alerts.digest_subscribers:,} people...", flush=True)
            runs.append(digest_run(env, alerts, sink))
        finally:
            sink.stop()
        if alerts.compare_sinks:
            other = next(kind for kind in SINKS if kind != alerts.sink)
            size = max(alerts.sizes)
            print(f"A press release to {size:,} people ({other})...", flush=True)
            sink = Sink(other, spare_port(), run.WORK / "alerts_sink_other.log")
            try:
                other_env = sending_environment(config, sink.port)
                runs.insert(len(alerts.sizes), press_release_run(other_env, alerts, sink, size))
            finally:
                sink.stop()
    finally:
        django(env, "clean_up()")
    loads["end"] = load_average()

    figures = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": run.machine(),
        "load_average": loads,
        "settings": {
            "workers": alerts.workers,
            "sink": alerts.sink,
            "database": config.database_url,
            "dataset": ", ".join(f"{count:,} {kind}" for kind, count in dataset.items()),
            **site,
        },
        "sink_alone": alone,
        "runs": runs,
    }
    raw = run.WORK / "results.json"
    previous = json.loads(raw.read_text()) if raw.exists() else {}
    raw.write_text(json.dumps({**previous, "alerts": figures}, indent=2))
    section = results.write_alerts(config.results_path, figures)
    print(section)
    print(f"Written to {config.results_path} (its Email alerts section) and {raw}")


if __name__ == "__main__":
    main()
