"""The email alerts benchmark (bench/alerts.py), in its parts that need no load.

Nothing here is timed: the SMTP sinks accept what Django's SMTP backend sends and count
it, the query counter sorts statements by table, the scenario's data (subscribers, the
press release, yesterday's changes) is what the run measures and is cleared after it,
and the section it writes into bench/results.md.
"""

import io
import json
from contextlib import redirect_stdout
from copy import deepcopy

import pytest
from django.core.mail import EmailMessage, get_connection

from alerts.digests import make_digest
from alerts.models import Change, Delivery, Frequency, Subscriber, Subscription
from bench import alerts, counted_worker, dataset, results, smtp_sink
from bench.faults import spare_port
from tests.test_bench import sample_run


def said(call, *args):
    """What a scenario helper said (its BENCH_JSON line)."""
    out = io.StringIO()
    with redirect_stdout(out):
        call(*args)
    return json.loads(out.getvalue().split("BENCH_JSON ", 1)[1])


# The sinks -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", alerts.SINKS)
def test_each_sink_accepts_what_djangos_smtp_backend_sends_and_counts_it(kind):
    tally, port = smtp_sink.Tally(), spare_port()
    stop = smtp_sink.SERVERS[kind](tally, port)
    try:
        connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port
        )
        messages = [
            EmailMessage("Subject", f"Line one\n.\nA dot alone above {n}", to=[f"p{n}@example.org"])
            for n in range(3)
        ]
        assert connection.send_messages(messages) == 3
    finally:
        stop()
    report = tally.report()
    assert report["accepted"] == 3
    assert report["first"] <= report["last"]


def test_the_plain_sink_finds_the_end_of_a_message_split_across_reads():
    tally = smtp_sink.Tally()
    written = []

    class Transport:
        def write(self, data):
            written.append(data)

        def close(self):
            written.append(b"closed")

    protocol = smtp_sink.PlainSMTP(tally)
    protocol.connection_made(Transport())
    for chunk in (b"EHLO x\r\nMAIL FROM:<a@b>\r\nRC", b"PT TO:<c@d>\r\nDATA\r\n", b"Hi\r\n."):
        protocol.data_received(chunk)
    assert tally.accepted == 0, "not before the line with the dot alone has ended"
    protocol.data_received(b"\r\nDATA\r\n.\r\nQUIT\r\n")  # then an empty one
    assert tally.accepted == 2
    assert written[-2:] == [b"221 Bye\r\n", b"closed"]


# The query counter -------------------------------------------------------------------------


def test_the_worker_counts_its_queries_by_the_tables_they_touch(db):
    tables = counted_worker.kinds()
    assert tables[f'"{Delivery._meta.db_table}"'] == "alerts"
    assert tables[f'"{Subscriber._meta.db_table}"'] == "alerts"
    assert "queue" in tables.values()
    assert not any(table.startswith('"news_') for table in tables)


# The scenario's data ----------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_subscribers_are_added_confirmed_on_the_news_list_and_replaced_each_run(db):
    assert said(alerts.add_subscribers, 5, Frequency.IMMEDIATELY) == {"subscribers": 5}
    assert said(alerts.add_subscribers, 3, Frequency.DAILY) == {"subscribers": 3}
    subscriptions = Subscription.objects.filter(subscriber__email__startswith=alerts.EMAIL_PREFIX)
    assert subscriptions.confirmed().filter(what="news", frequency=Frequency.DAILY).count() == 3
    assert subscriptions.count() == 3


def test_publishing_queues_one_email_per_subscriber_and_clearing_removes_the_run(
    db, media, django_capture_on_commit_callbacks
):
    from alerts.changes import announce

    dataset.build(press_releases=2, decisions=0, deliverables=0, photos=0)
    said(alerts.add_subscribers, 4, Frequency.IMMEDIATELY)
    with django_capture_on_commit_callbacks():
        published = said(alerts.publish)
    change = Change.objects.get(object_id=published["pk"])
    assert announce(change.pk)
    assert change.deliveries.count() == 4

    alerts.clear()
    assert not Change.objects.exists()
    assert not Subscriber.objects.filter(email__startswith=alerts.EMAIL_PREFIX).exists()
    assert not Delivery.objects.exists()


def test_the_digest_gathers_the_changes_announced_yesterday_for_each_subscriber(
    db, media, django_capture_on_commit_callbacks
):
    dataset.build(press_releases=4, decisions=0, deliverables=0, photos=0)
    said(alerts.add_subscribers, 3, Frequency.DAILY)
    assert said(alerts.add_digest_changes, 4) == {"changes": 4}
    assert said(alerts.add_digest_changes, 4) == {"changes": 4}, "made once"
    with django_capture_on_commit_callbacks():
        digest, emails = make_digest(Frequency.DAILY)
    assert emails == 3
    assert all(len(d.digest_changes) == 4 for d in Delivery.objects.filter(digest=digest))
    assert said(alerts.sent) == {"statuses": {"queued": 3}, "attempts_over_1": 0}

    alerts.clear()
    assert not Change.objects.exists()
    assert not Delivery.objects.exists()


# The section in results.md ----------------------------------------------------------------


def a_run(what, sink, subscribers, seconds, peak_mb):
    return {
        "what": what,
        "sink": sink,
        "subscribers": subscribers,
        "emails": subscribers,
        "seconds": seconds,
        "per_second": subscribers / seconds,
        "peak_rss_kb": [peak_mb * 1024, (peak_mb - 1) * 1024],
        "rss_kb": [peak_mb * 1024, (peak_mb - 1) * 1024],
        "worker_cpu_s": [subscribers / 2000, subscribers / 2000],
        "sink_cpu_s": subscribers / 2000,
        "queries": {
            "alerts": subscribers // 40,
            "queue": 20,
            "other": 3,
            "total": subscribers // 40 + 23,
            "per_1000": (subscribers // 40 + 23) * 1000 / subscribers,
        },
        "machine_busy": 0.97,
        "accepted_in_all": subscribers,
        "outcome": {"statuses": {"sent": subscribers}, "attempts_over_1": 0},
        **({"changes": 10} if what == "daily digest" else {}),
    }


def an_alerts_run():
    return {
        "started": "2026-12-07T18:19:37+00:00",
        "finished": "2026-12-07T18:35:40+00:00",
        "machine": {"cores (nproc)": 2},
        "load_average": {"start": 1.5, "end": 2.25},
        "settings": {
            "workers": 2,
            "sink": "aiosmtpd",
            "database": "postgres://postgres@127.0.0.1:5432/strategy_site_bench",
            "dataset": "5,001 press releases",
            "chunk": 50,
            "senders": 2,
            "lease_s": 300,
        },
        "sink_alone": [
            {
                "sink": "aiosmtpd",
                "messages": 10000,
                "seconds": 8,
                "per_second": 1250,
                "sink_cpu_s": 5,
            },
            {"sink": "plain", "messages": 10000, "seconds": 3, "per_second": 3333, "sink_cpu_s": 1},
        ],
        "runs": [
            a_run("press release", "aiosmtpd", 5000, 6.0, 80),
            a_run("press release", "aiosmtpd", 50000, 45.5, 84),
            a_run("press release", "plain", 50000, 30.25, 83),
            a_run("daily digest", "aiosmtpd", 50000, 70.0, 85),
        ],
    }


def test_the_section_shows_each_run_and_the_issues_targets():
    section = "\n".join(results.alerts_section(an_alerts_run()))

    assert section.startswith(results.ALERTS_HEADING)
    row = "| press release | aiosmtpd | 50,000 | 50,000 | 45.5 | 1,099 | 84.0, 83.0 | 25 |"
    assert f"{row} 1.00, 0.50 | 97% |" in section
    assert "| daily digest | aiosmtpd | 50,000 | 50,000 | 70.0 | 714 |" in section
    words = " ".join(section.split())
    assert "10 changes announced the day before in each email" in words
    assert "aiosmtpd 1,250 messages/s (0.50 CPU s per 1,000)" in words
    assert "load average over a minute 1.5 at the start, 2.25 at the end" in words
    targets = {row[0]: row[2] for row in results.alerts_targets(an_alerts_run())}
    assert targets == {
        "A press release to 50,000 people: every email at the sink (aiosmtpd) in under "
        "60 s with 2 workers": "met",
        "A press release to 50,000 people: every email at the sink (plain) in under "
        "60 s with 2 workers": "met",
        "Worker peak memory flat from 5,000 to 50,000 people (at most 10% more)": "met",
        "Every email sent once: all marked sent, none failed or tried twice, the sink got "
        "one per person": "met",
    }


@pytest.mark.parametrize(
    "change, target, verdict",
    [
        ({"seconds": 55.0}, "(aiosmtpd) in under 60 s", "not met (inside the noise band)"),
        ({"seconds": 61.0}, "(aiosmtpd) in under 60 s", "not met"),
        ({"peak_rss_kb": [100 * 1024, 80 * 1024]}, "Worker peak memory flat", "not met"),
        ({"accepted_in_all": 50001}, "Every email sent once", "not met"),
        (
            {"outcome": {"statuses": {"sent": 49999, "failed": 1}, "attempts_over_1": 0}},
            "Every email sent once",
            "not met",
        ),
    ],
)
def test_a_target_missed_is_reported(change, target, verdict):
    run = an_alerts_run()
    run["runs"][1].update(change)
    rows = [row for row in results.alerts_targets(run) if target in row[0]]
    assert [row[2] for row in rows] == [verdict]


def test_a_quick_run_measures_no_target_at_50000():
    run = an_alerts_run()
    run["runs"] = [a_run("press release", "aiosmtpd", size, 5.0, 80) for size in (500, 5000)]
    rows = {row[0]: row[1:] for row in results.alerts_targets(run)}
    key = next(key for key in rows if "50,000 people" in key)
    assert rows[key] == ("5,000 people at most (a quick run): 5.0 s", "not measured")


def test_the_alerts_run_replaces_only_its_own_section_and_the_benchmark_keeps_it(tmp_path):
    path = tmp_path / "results.md"
    bench_run = results.write(path, sample_run())
    results.write_alerts(path, an_alerts_run())
    lines, section = path.read_text().split("\n"), results.alerts_section(an_alerts_run())
    start = lines.index(results.ALERTS_HEADING)
    assert lines[start : start + len(section)] == section
    assert lines[:start] + lines[start + len(section) :] == bench_run.split("\n")
    assert lines[start + len(section)] == results.TARGETS_HEADING

    again = deepcopy(an_alerts_run())
    again["runs"][1]["seconds"] = 41.5
    results.write_alerts(path, again)
    assert path.read_text().count(results.ALERTS_HEADING) == 1
    assert "| 41.5 |" in path.read_text()

    later = deepcopy(sample_run())
    later["started"] = "2026-12-08T09:00:00+00:00"
    markdown = results.write(path, later)
    assert "2026-12-08T09:00:00" in markdown
    assert results.section_of(markdown, results.ALERTS_HEADING) == results.alerts_section(again)


def test_a_runs_queries_are_what_the_workers_counted_after_less_before():
    before = [{"alerts": 2, "queue": 1}, {"alerts": 0}]
    after = [{"alerts": 7, "queue": 3, "other": 1}, {"alerts": 4}]
    assert alerts.queries(before, after, 1000) == {
        "alerts": 9,
        "queue": 2,
        "other": 1,
        "total": 12,
        "per_1000": 12.0,
    }
