"""The faults-under-load run (bench/faults.py), in its parts that need no load.

Nothing here is timed: the proxy that cuts the database off and lets it back, the
editor that goes on after a failed save, what the observations say (stale responses,
answers during the fault), and the section it writes into bench/results.md.
"""

import contextlib
import io
import socket
import threading
from copy import deepcopy

import pytest
from django.db import OperationalError

from bench import faults, results
from news.models import PressRelease
from tests.factories import PressReleaseFactory
from tests.test_bench import sample_run

# A guard against a test hanging on a socket, not a measure: nothing here is timed.
GUARD = 10


# The proxy -----------------------------------------------------------------------------


@pytest.fixture
def echo_server():
    """A server that sends back what it is sent, standing in for PostgreSQL."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve(connection):
        with connection, contextlib.suppress(OSError):
            while data := connection.recv(1024):
                connection.sendall(data)

    def accept():
        with contextlib.suppress(OSError):
            while True:
                connection, _ = listener.accept()
                threading.Thread(target=serve, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    with contextlib.suppress(OSError):
        listener.shutdown(socket.SHUT_RDWR)
    listener.close()


@pytest.fixture
def proxy(echo_server):
    proxy = faults.CuttableProxy(echo_server)
    yield proxy
    proxy.close()


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=GUARD)


def echoed(sock, message=b"SELECT 1"):
    """What comes back for `message` on `sock`: the message through an open proxy,
    None when the connection was dropped or refused."""
    try:
        sock.sendall(message)
        return sock.recv(1024) or None
    except OSError:
        return None


def new_connection_echoes(port, message=b"SELECT 1"):
    """What a new connection gets back for `message`: None when it is refused, whether
    at connect (a reset) or at the first read."""
    try:
        sock = connect(port)
    except OSError:
        return None
    with sock:
        return echoed(sock, message)


def test_the_proxy_passes_bytes_through_both_ways(proxy):
    with connect(proxy.port) as sock:
        assert echoed(sock, b"first") == b"first"
        assert echoed(sock, b"second") == b"second"


def test_a_cut_drops_every_open_connection_and_refuses_new_ones(proxy):
    open_before = [connect(proxy.port), connect(proxy.port)]
    for sock in open_before:
        assert echoed(sock) == b"SELECT 1"

    proxy.cut()

    assert [echoed(sock) for sock in open_before] == [None, None]
    assert new_connection_echoes(proxy.port) is None
    assert proxy.dropped == 2
    assert proxy.refused == 1
    for sock in open_before:
        sock.close()


def test_once_restored_the_proxy_accepts_again(proxy):
    proxy.cut()
    assert new_connection_echoes(proxy.port) is None

    proxy.restore()

    assert new_connection_echoes(proxy.port, b"back") == b"back"


def test_gunicorn_reaches_the_database_through_the_proxy_as_the_same_user():
    url = "postgres://postgres@127.0.0.1:5432/strategy_site_bench"
    with_password = "postgres://site:secret@db.internal/strategy_site"

    assert (
        faults.through_proxy(url, 6001) == "postgres://postgres@127.0.0.1:6001/strategy_site_bench"
    )
    assert faults.through_proxy(with_password, 6001) == (
        "postgres://site:secret@127.0.0.1:6001/strategy_site"
    )


# The editor ----------------------------------------------------------------------------


def test_the_editor_goes_on_after_a_save_that_fails(transactional_db, monkeypatch):
    item = PressReleaseFactory(title="Families shape the new strategy")
    titles_saved = []
    real_save = PressRelease.save

    def save_unless_cut_off(self, *args, **kwargs):
        if self.title.endswith("(Bench edit 2)"):
            raise OperationalError("server closed the connection unexpectedly")
        real_save(self, *args, **kwargs)
        titles_saved.append(PressRelease.objects.get(pk=self.pk).title)

    monkeypatch.setattr(PressRelease, "save", save_unless_cut_off)
    out = io.StringIO()

    faults.edit_through_faults(
        item.get_absolute_url(), every=0, count=3, wait_for_go=False, out=out
    )

    assert titles_saved == [
        "Families shape the new strategy (Bench edit 1)",
        "Families shape the new strategy (Bench edit 3)",
        "Families shape the new strategy",  # put back at the end
    ]
    printed = out.getvalue()
    assert [edit["number"] for edit in faults.edits.edits_printed(printed)] == [1, 3]
    failed = faults.failed_edits(printed)
    assert [edit["number"] for edit in failed] == [2]
    assert failed[0]["error"] == "OperationalError: server closed the connection unexpectedly"


# What the observations say ---------------------------------------------------------------

# Edit 1 saved at 10.0 and edit 2 at 12.0; the part fails from 13.0 to 20.0, and edit 3,
# tried at 14.0, is never saved (the database was cut off).
SAVED = [{"number": 1, "saved": 10.0}, {"number": 2, "saved": 12.0}]
BROKEN, MENDED = 13.0, 20.0
SEEN = {
    # (asked for, answered, status, edit shown)
    "news detail": [
        (11.9, 12.1, 200, 1),  # asked for before edit 2 returned: not stale
        (12.5, 12.6, 200, 2),
        (14.0, 14.5, 200, 1),  # stale, during the fault
        (19.5, 21.0, 200, 1),  # asked for during the fault, answered after it
        (20.5, 20.6, 200, 1),  # stale after recovery
        (20.7, 20.8, 200, 2),  # edit 2 is the last one saved: fresh
    ],
    "home": [
        (9.0, 9.1, 200, None),  # before any save: the original title is no edit of ours
        (10.5, 10.6, 200, None),  # stale: edit 1 was saved
        (12.2, 12.3, 200, 2),
        (15.0, 15.2, 500, None),  # an error shows nothing: a 5xx, not a stale answer
        (16.0, 16.1, None, None),  # no answer at all
        (21.0, 23.5, 200, None),  # stale after recovery, and the longest wait after it
    ],
    # A page that never shows the item is not one the edits are looked for on.
    "decision detail": [(12.9, 16.0, 200, None), (21.0, 21.1, 200, None)],
}


def test_stale_responses_after_recovery_are_those_asked_for_once_the_part_is_back():
    after = faults.stale_responses(SAVED, SEEN, start=MENDED)

    assert after == [
        {"page": "news detail", "at": 20.5, "shown": 1, "expected": 2},
        {"page": "home", "at": 21.0, "shown": None, "expected": 2},
    ]


def test_stale_responses_during_the_fault_and_over_the_whole_run():
    during = faults.stale_responses(SAVED, SEEN, start=BROKEN, end=MENDED)
    whole = faults.stale_responses(SAVED, SEEN, start=0)

    assert [(s["page"], s["at"]) for s in during] == [("news detail", 14.0), ("news detail", 19.5)]
    assert [(s["page"], s["at"]) for s in whole] == [
        ("home", 10.5),
        ("news detail", 14.0),
        ("news detail", 19.5),
        ("news detail", 20.5),
        ("home", 21.0),
    ]


def test_an_edit_that_was_not_saved_makes_nothing_stale():
    # Edit 3 failed: pages still showing edit 2 after it are current.
    seen = {"news detail": [(14.5, 14.6, 200, 2), (21.0, 21.1, 200, 2)]}

    assert faults.stale_responses(SAVED, seen, start=0) == []


def test_answers_during_the_fault_are_counted_when_they_were_given():
    during = faults.statuses_between(SEEN, BROKEN, MENDED)

    # 16.0 (decision detail, asked for at 12.9) is counted; 21.0 (asked for at 19.5) not.
    assert during == {200: 2, 500: 1, "no answer": 1}


def test_health_answers_during_the_fault_by_status_and_word():
    answers = [
        (12.8, 13.2, 200, "degraded"),  # asked for before, answered during
        (14.0, 14.1, 503, "unavailable"),
        (14.5, 14.6, 503, "unavailable"),
        (19.9, 20.3, 200, "ok"),  # answered after
        (15.0, 15.0, None, "no answer"),
    ]

    assert faults.health_between(answers, BROKEN, MENDED) == {
        "200 degraded": 1,
        "503 unavailable": 2,
        "no answer": 1,
    }


def test_the_longest_wait_during_the_fault_includes_a_response_asked_for_before_it():
    during = faults.longest_wait(SEEN, BROKEN, MENDED)
    after = faults.longest_wait(
        {page: [r for r in rs if r[0] >= MENDED] for page, rs in SEEN.items()}
    )

    assert during == (pytest.approx(3.1), "decision detail", 12.9)
    assert after == (pytest.approx(2.5), "home", 21.0)
    assert faults.longest_wait({}) is None


def test_wrk_seconds_are_given_from_the_start_of_the_load_in_order():
    seconds = {"1000011": [500, 0, 0], "1000009": [400, 3, 1], "1000010": [450, 0, 2]}

    assert faults.by_second(seconds, origin=1000000.6) == [
        [8.4, 400, 3, 1],
        [9.4, 450, 0, 2],
        [10.4, 500, 0, 0],
    ]


def test_stale_responses_are_grouped_by_what_they_showed_and_should_have():
    stale = faults.stale_responses(SAVED, SEEN, start=0)

    groups = faults.stale_groups(stale, SAVED, origin=9.0)

    assert groups == [
        {
            "expected": 1,
            "saved_s": 1.0,
            "shown": None,
            "count": 1,
            "pages": {"home": 1},
            "from_s": 1.5,
            "to_s": 1.5,
        },
        {
            "expected": 2,
            "saved_s": 3.0,
            "shown": None,
            "count": 1,
            "pages": {"home": 1},
            "from_s": 12.0,
            "to_s": 12.0,
        },
        {
            "expected": 2,
            "saved_s": 3.0,
            "shown": 1,
            "count": 3,
            "pages": {"news detail": 3},
            "from_s": 5.0,
            "to_s": 11.5,
        },
    ]


def test_requests_per_second_before_during_and_after_count_whole_seconds_only():
    seconds = [[-0.4, 50, 0, 0], [0.6, 600, 0, 0], [1.6, 800, 0, 0], [2.6, 20, 0, 0]]
    seconds += [[3.6, 10, 0, 0], [4.6, 30, 0, 0], [5.6, 900, 0, 0], [6.6, 100, 0, 0]]

    # Before: 0.6-2.6 (the second from 2.6 runs into the fault at 3.0); during: 3.6-5.6;
    # after: 6.0-7.0 holds no whole second of wrk's (the one from 6.6 ends after the run).
    assert faults.rates(seconds, broken_s=3.0, mended_s=6.0, duration_s=7.0) == {
        "before": 700.0,
        "during": 20.0,
        "after": None,
    }


# The section of bench/results.md ----------------------------------------------------------


def scenario(key, name, **changes):
    figures = {
        "key": key,
        "name": name,
        "fault": f"{name}, back at the end",
        "broken_s": 10.0,
        "mended_s": 20.01,
        "requests": 40_000,
        "rps": 1333.3,
        "p50_ms": 21.0,
        "p99_ms": 910.5,
        "max_ms": 1800.0,
        "server_errors": 0,
        "other_non_2xx": 0,
        "socket_errors": 0,
        "timeouts": 0,
        "by_second": [[9.4, 1500, 0, 0], [10.4, 300, 0, 0]],
        "rps_by_phase": {"before": 1250.0, "during": 11.4, "after": 1100.0},
        "longest_wait": {
            "before": {"ms": 210.0, "page": "home", "at_s": 3.1},
            "during": {"ms": 1750.4, "page": "sitemap", "at_s": 10.2},
            "after": {"ms": 300.0, "page": "news list", "at_s": 21.5},
        },
        "observed": 4000,
        "during": {"answers": 120, "200": 120, "statuses": {"200": 120}},
        "observed_errors": {"count": 0, "listed": []},
        "edits": {"tried": 15, "saved": 15, "failed": []},
        "stale_after": 0,
        "stale_during": 0,
        "stale_groups": {"after": [], "during": []},
        "healthz_before": {"200 ok": 30},
        "healthz_during": {"200 degraded": 25},
        "healthz_after": {"200 ok": 30},
        "load_average": [5.1, 5.8],
    }
    figures.update(changes)
    return figures


def a_faults_run():
    cut = scenario(
        "database-cut",
        "Database cut",
        server_errors=812,
        by_second=[[9.4, 1500, 0, 0], [10.4, 900, 800, 0], [11.4, 1200, 12, 0]],
        during={"answers": 300, "200": 290, "statuses": {"200": 290, "500": 10}},
        observed_errors={
            "count": 10,
            "listed": [{"page": "search", "at_s": 10.6, "status": 500}],
        },
        edits={
            "tried": 15,
            "saved": 10,
            "failed": [{"number": 6, "at_s": 11.0, "error": "OperationalError: connection failed"}],
        },
        stale_after=1,
        stale_groups={
            "after": [
                {
                    "expected": 7,
                    "saved_s": 21.1,
                    "shown": 5,
                    "count": 3,
                    "pages": {"home": 2, "news list": 1},
                    "from_s": 21.3,
                    "to_s": 22.4,
                }
            ],
            "during": [],
        },
        healthz_during={"503 unavailable": 38},
        proxy={"dropped": 3, "refused": 41},
    )
    return {
        "started": "2026-12-07T07:00:00+00:00",
        "finished": "2026-12-07T07:03:00+00:00",
        "machine": {"cores (nproc)": 2, "CPU": "Test CPU"},
        "settings": {
            "wrk": "-t2 -c64 -d30s, the 8 pages in turn",
            "pages": ["home", "news detail", "search", "sitemap"],
            "edited": "/news/x/",
            "gunicorn": "2 sync workers, deploy/gunicorn.conf.py",
            "database": "postgres://postgres@127.0.0.1:5432/strategy_site_bench",
            "dataset": "5,001 press releases",
            "fault_at_s": 10.0,
            "fault_for_s": 10.0,
            "duration_s": 30,
            "edit_every_s": 2.0,
            "healthz_every_s": 0.25,
            "redis_timeout_s": 0.25,
            "redis_retry_after_s": 5.0,
            "conn_max_age_s": 60,
        },
        "scenarios": [scenario("redis-killed", "Redis killed"), cut],
    }


def test_the_section_shows_each_scenarios_figures():
    markdown = "\n".join(results.faults_section(a_faults_run()))
    prose = " ".join(markdown.split())

    assert markdown.startswith("## Faults under load\n")
    assert "shared with other work during the run" in prose
    assert "Redis killed 5.1-5.8, Database cut 5.1-5.8" in prose
    assert (
        "| Redis killed | Redis killed, back at the end | 10.0-20.0 | 40,000 | 1,250 / 11 / 1,100 "
        "| 0 | 0 "
        "| 0 | 0 | 21.0 | 910.5 | 1800.0 | 1,750 (sitemap, at 10.2 s); before 210, after 300 |"
    ) in markdown
    assert "| Redis killed | 15 of 15 | 0 | 0 | 200 degraded: 25 | 120 of 120 |" in markdown
    assert (
        "| Database cut | 10 of 15 (failed at 11.0 s) | 1 | 0 | 503 unavailable: 38 | 290 of 300 |"
    ) in markdown


def test_the_section_says_what_went_wrong_and_when():
    markdown = "\n".join(results.faults_section(a_faults_run()))
    notes = markdown.split("**Database cut.**")[1]

    assert "**Redis killed.**" not in markdown  # nothing to say
    assert "10.4 s: 800 / 0, 11.4 s: 12 / 0" in notes
    assert "search 500 at 10.6 s, and 9 more" in notes
    assert "Edit 6 not saved at 11.0 s: OperationalError: connection failed." in notes
    assert (
        "Stale after the fault: 3 responses asked for from 21.3 s to 22.4 s (home 2, news list "
        "1) showed edit 5; edit 7 had been saved at 21.1 s."
    ) in " ".join(notes.split())
    assert "dropped 3 connections and refused 41" in notes


def test_the_faults_run_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "results.md"
    bench_run = results.write(path, sample_run())

    results.write_faults(path, a_faults_run())
    lines, section = path.read_text().split("\n"), results.faults_section(a_faults_run())
    start = lines.index(results.FAULTS_HEADING)
    assert lines[start : start + len(section)] == section
    # The benchmark's sections are as it wrote them, the faults before the targets.
    assert lines[:start] + lines[start + len(section) :] == bench_run.split("\n")
    assert lines[start + len(section)] == results.TARGETS_HEADING
    assert lines.count(results.FAULTS_HEADING) == 1

    again = deepcopy(a_faults_run())
    again["scenarios"][0]["requests"] = 41_234
    results.write_faults(path, again)
    replaced = path.read_text()
    assert replaced.count("## Faults under load") == 1
    assert results.section_of(replaced, results.FAULTS_HEADING) == results.faults_section(again)
    assert "41,234" in replaced


def test_the_benchmark_keeps_the_faults_section_when_it_writes_its_own(tmp_path):
    path = tmp_path / "results.md"
    results.write(path, sample_run())
    results.write_faults(path, a_faults_run())
    section = results.section_of(path.read_text(), results.FAULTS_HEADING)

    later_run = deepcopy(sample_run())
    later_run["started"] = "2026-12-08T09:00:00+00:00"
    markdown = results.write(path, later_run)

    assert "2026-12-08T09:00:00" in markdown
    assert results.section_of(markdown, results.FAULTS_HEADING) == section
    assert path.read_text() == markdown


def test_a_faults_run_before_any_benchmark_writes_a_file_of_its_own(tmp_path):
    path = tmp_path / "results.md"

    results.write_faults(path, a_faults_run())

    text = path.read_text()
    assert text.startswith("# Benchmark results\n\n## Faults under load\n")
