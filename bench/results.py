"""
The benchmark's results: medians, ratios, the targets of issue #10, and
bench/results.md. Pure functions of the run's data, so they can be tested without
running anything.

References: every page has its own three (medians["floor"][page name] and so on),
serving that page's bytes, so a ratio compares the site with references that send as
much as the page does, not with the home page's 20 KB.

Noise: rounds on these machines vary by 10-25%, so a measured value has to clear a
timing target by more than NOISE (25%) to count as met. A ratio of 0.65 against a
target of 0.6 is "inside the noise band": not a pass. Counts (SQL queries, bytes) are
exact and are compared as they are.
"""

import re
import statistics
import textwrap
from pathlib import Path

NOISE = 0.25
MODES = {
    "warm": "Cache warm (site under gunicorn, page cache on)",
    "off": "Cache off (every request rendered by Django)",
    "proxy": "Behind nginx as a caching reverse proxy",
}
REFERENCES = {
    "floor": "plain WSGI callable (the Python floor)",
    "minimal": "minimal Django view (startproject middleware, no database)",
    "static": "nginx serving the page's bytes as a static file",
}
MAX_QUERIES = 6
MAX_PAGE_KB = 60
MAX_P99_MS = 50
MAX_SEARCH_P50_MS = 30
MAX_EDITS_P99_MS = 250
# Addresses nginx passes to the site; a load balancer checks /healthz (issue #20).
PASSED_THROUGH = ("/healthz", "/admin/login/")
MAX_PASSED_P99_MS = 100
# The faults run (bench/faults.py) and the alerts run (bench/alerts.py) each write their
# own section, before the targets.
FAULTS_HEADING = "## Faults under load"
ALERTS_HEADING = "## Email alerts (issue #22)"
# Issue #22: a press release to ALERT_SUBSCRIBERS people handed to the sink within
# MAX_ALERTS_S seconds by two workers; each worker's peak memory at most FLAT_MEMORY
# times as high for the largest list as for the smallest.
ALERT_SUBSCRIBERS = 50_000
MAX_ALERTS_S = 60
FLAT_MEMORY = 1.10
TARGETS_HEADING = "## Targets (issue #10)"


def median_of(samples):
    """The median of each measure over the rounds; errors are added up."""
    return {
        "rps": statistics.median(s["rps"] for s in samples),
        "p50_ms": median_or_none([s["p50_ms"] for s in samples]),
        "p99_ms": median_or_none([s["p99_ms"] for s in samples]),
        "errors": sum(s["errors"] for s in samples),
        "rounds": len(samples),
    }


def median_or_none(values):
    """The median of the rounds that answered anything; None when none did (a page
    slower than the whole run)."""
    answered = [value for value in values if value is not None]
    return statistics.median(answered) if answered else None


def ms(value):
    return "-" if value is None else f"{value:.1f}"


def at_least(value, target):
    """met, inside the noise band, or not met, for a value that must reach `target`."""
    if value >= target * (1 + NOISE):
        return "met"
    if value >= target:
        return "not met (inside the noise band)"
    return "not met"


def at_most(value, limit):
    """The same for a time that must stay under `limit` (None: nothing answered)."""
    if value is None:
        return "not met"
    if value <= limit / (1 + NOISE):
        return "met"
    if value <= limit:
        return "not met (inside the noise band)"
    return "not met"


def exact_at_most(value, limit):
    return "met" if value <= limit else "not met"


def worst(verdicts):
    for verdict in ("not met", "not met (inside the noise band)"):
        if verdict in verdicts:
            return verdict
    return "met" if verdicts else "not measured"


def ratio(page, reference):
    return page["rps"] / reference["rps"] if reference and reference["rps"] else 0.0


def reference_of(medians, kind, name):
    """The medians of the `kind` reference (floor, minimal, static) serving page `name`'s
    bytes; None when it was not measured (a ratio against it is then 0)."""
    return medians.get(kind, {}).get(name)


def page_ratio(medians, mode, name, kind):
    """The page's requests per second in `mode` over its own `kind` reference's."""
    return ratio(medians[mode][name], reference_of(medians, kind, name))


def targets(run):
    """[(target, what was measured, verdict)] for each target of the issue."""
    medians = run["medians"]
    pages = run["pages"]
    rows = []

    warm = medians.get("warm", {})
    warm_pages = [p["name"] for p in pages if p["name"] in warm]
    checks = []
    for name in warm_pages:
        checks += [
            at_least(page_ratio(medians, "warm", name, "minimal"), 1.5),
            at_least(page_ratio(medians, "warm", name, "floor"), 0.6),
            at_most(warm[name]["p99_ms"], MAX_P99_MS),
            "met" if warm[name]["errors"] == 0 else "not met",
        ]
    if warm_pages:
        worst_page = min(warm_pages, key=lambda name: page_ratio(medians, "warm", name, "floor"))
        p99s = [warm[name]["p99_ms"] for name in warm_pages]
        highest_p99 = "-" if None in p99s else ms(max(p99s))
        measured = (
            f"lowest against its floor: {worst_page}, "
            f"{page_ratio(medians, 'warm', worst_page, 'minimal'):.2f}x minimal, "
            f"{page_ratio(medians, 'warm', worst_page, 'floor'):.2f}x floor, "
            f"p99 {ms(warm[worst_page]['p99_ms'])} ms; highest p99 {highest_p99} ms"
        )
    else:
        measured = "not measured"
    rows.append(
        (
            "Cache warm: every page ≥1.5x minimal Django, ≥0.6x WSGI floor, p99 < 50 ms at c=16",
            measured,
            worst(checks),
        )
    )

    off = medians.get("off", {})
    for kind, target in (("detail", 0.4), ("list", 0.3)):
        kind_pages = [p["name"] for p in pages if p["kind"] == kind and p["name"] in off]
        verdicts = [
            at_least(page_ratio(medians, "off", name, "minimal"), target) for name in kind_pages
        ]
        verdicts += ["met" if off[name]["errors"] == 0 else "not met" for name in kind_pages]
        ratios = ", ".join(
            f"{name} {page_ratio(medians, 'off', name, 'minimal'):.2f}x" for name in kind_pages
        )
        rows.append(
            (
                f"Cache off: {kind} pages ≥{target}x minimal Django",
                ratios or "not measured",
                worst(verdicts),
            )
        )
    queries = [(p["name"], p.get("queries")) for p in pages if p.get("queries") is not None]
    rows.append(
        (
            f"Cache off: at most {MAX_QUERIES} SQL queries per page (large dataset)",
            ", ".join(f"{name} {count}" for name, count in queries) or "not measured",
            worst([exact_at_most(count, MAX_QUERIES) for _name, count in queries]),
        )
    )

    proxy = medians.get("proxy", {})
    proxy_pages = [p["name"] for p in pages if p["name"] in proxy]
    rows.append(
        (
            "Behind the nginx caching proxy: every page ≥0.7x nginx static file",
            ", ".join(
                f"{name} {page_ratio(medians, 'proxy', name, 'static'):.2f}x"
                for name in proxy_pages
            )
            or "not measured",
            worst(
                [
                    at_least(page_ratio(medians, "proxy", name, "static"), 0.7)
                    for name in proxy_pages
                ]
                + ["met" if proxy[name]["errors"] == 0 else "not met" for name in proxy_pages]
            ),
        )
    )

    search = run.get("search")
    rows.append(
        (
            f"PostgreSQL search p50 < {MAX_SEARCH_P50_MS} ms (cache off, one at a time)",
            f"p50 {search['p50_ms']:.1f} ms over {search['requests']} searches"
            if search
            else "not measured",
            at_most(search["p50_ms"], MAX_SEARCH_P50_MS) if search else "not measured",
        )
    )

    html_pages = [p for p in pages if p["html"] and p.get("weight")]
    heaviest = max(html_pages, key=lambda p: p["weight"]["total"], default=None)
    rows.append(
        (
            f"Page weight: HTML + CSS + JS ≤ {MAX_PAGE_KB} KB compressed, every page",
            f"heaviest: {heaviest['name']}, {kb(heaviest['weight']['total'])}"
            if heaviest
            else "not measured",
            worst([exact_at_most(p["weight"]["total"], MAX_PAGE_KB * 1024) for p in html_pages]),
        )
    )
    third_party = sorted({a for p in html_pages for a in p["weight"].get("third_party", [])})
    rows.append(
        (
            "No render-blocking third-party resources",
            ", ".join(third_party) or "none found",
            "not met" if third_party else ("met" if html_pages else "not measured"),
        )
    )
    rows += edits_targets(run.get("edits"))
    rows += passed_through_targets(run.get("passed_through"))
    fonts = [p["name"] for p in html_pages if p["weight"].get("fonts")]
    rows.append(
        (
            "No web fonts to download",
            ("@font-face or font preload on: " + ", ".join(fonts)) if fonts else "none found",
            "not met" if fonts else ("met" if html_pages else "not measured"),
        )
    )
    return rows


def edits_targets(edits):
    """The edits-under-load rows: no non-2xx answer, p99, and staleness."""
    if not edits:
        return []
    load = f"c={edits['connections']}, an edit every {edits['every_s']:g} s"
    stale = edits["staleness"]
    return [
        (
            f"Edits under load ({load}): no non-2xx answer",
            f"{edits['non_2xx']:,} non-2xx, {edits['socket_errors']:,} socket errors "
            f"in {edits['requests']:,} requests",
            "met" if edits["non_2xx"] == 0 and edits["socket_errors"] == 0 else "not met",
        ),
        (
            f"Edits under load ({load}): p99 < {MAX_EDITS_P99_MS} ms",
            f"p50 {ms(edits['p50_ms'])} ms, p99 {ms(edits['p99_ms'])} ms",
            at_most(edits["p99_ms"], MAX_EDITS_P99_MS),
        ),
        (
            f"Edits under load ({load}): no response asked for after a save shows "
            "the text from before it",
            f"{stale['stale responses']:,} stale responses over {stale['edits']} edits",
            "met" if stale["stale responses"] == 0 and stale["edits"] else "not met",
        ),
    ]


def passed_through_targets(passed):
    """/healthz through nginx: no errors and p99 under MAX_PASSED_P99_MS."""
    health = (passed or {}).get("/healthz")
    if not health:
        return []
    return [
        (
            f"/healthz through nginx at c={health.get('connections', '?')}: "
            f"p99 < {MAX_PASSED_P99_MS} ms, no errors",
            f"p99 {ms(health['p99_ms'])} ms, {health['errors']:,} errors "
            f"in {health['requests']:,} requests",
            worst(
                [
                    at_most(health["p99_ms"], MAX_PASSED_P99_MS),
                    "met" if health["errors"] == 0 else "not met",
                ]
            ),
        )
    ]


def passed_through_section(passed):
    rows = [
        (
            f"`{path}`",
            f"{figures['requests']:,}",
            f"{figures['rps']:,.0f}",
            ms(figures["p50_ms"]),
            ms(figures["p99_ms"]),
            f"{figures['errors']:,}",
        )
        for path, figures in passed.items()
    ]
    return [
        "## Passed through nginx",
        "",
        "Addresses nginx never answers from its cache (deploy/nginx.conf, mirrored in",
        "bench/nginx.conf), asked for through nginx with the page cache on, one after the",
        "other: wrk at the connections in Settings.",
        "",
        table(["address", "requests", "req/s", "p50 ms", "p99 ms", "errors"], rows),
        "",
    ]


def edits_section(edits):
    """The "Edits under load" part of results.md."""
    stale = edits["staleness"]
    return [
        "## Edits under load",
        "",
        f"wrk at {edits['connections']} connections for {edits['duration_s']} s (page cache on),",
        f"each thread asking for the {len(edits['pages'])} pages in turn, while the news",
        f"detail page's item (`{edits['edited']}`) was edited and saved every",
        f"{edits['every_s']:g} s ({stale['edits']} edits), through the ORM in a process of its",
        "own as the admin saves. One observer per page asked for it again and again on a",
        "connection of its own and noted which edit each response showed. A response is",
        "stale when it shows less than the last edit saved before it was asked for; an",
        "edit has shown everywhere from when the first fresh response after the last",
        "stale one was asked for (0 when none was stale). Pages that show the item: "
        + (", ".join(stale["pages"]) or "none")
        + ".",
        "",
        table(
            [
                "requests",
                "req/s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "non-2xx",
                "socket errors",
                "stale responses",
                "until shown everywhere: median ms",
                "longest ms",
            ],
            [
                (
                    f"{edits['requests']:,}",
                    f"{edits['rps']:,.0f}",
                    ms(edits["p50_ms"]),
                    ms(edits["p99_ms"]),
                    ms(edits["max_ms"]),
                    f"{edits['non_2xx']:,}",
                    f"{edits['socket_errors']:,}",
                    f"{stale['stale responses']:,}",
                    ms(stale["median ms"]),
                    ms(stale["max ms"]),
                )
            ],
        ),
        "",
    ]


def kb(size):
    return f"{size / 1024:.1f} KB"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def mode_table(run, mode):
    medians = run["medians"]
    stats_by_page = medians.get(mode, {})
    rows = []
    for page in run["pages"]:
        stats = stats_by_page.get(page["name"])
        if not stats:
            continue
        weight = page.get("weight", {}).get("total")
        rows.append(
            (
                page["name"],
                f"`{page['path']}`",
                f"{stats['rps']:,.0f}",
                ms(stats["p50_ms"]),
                ms(stats["p99_ms"]),
                f"{page_ratio(medians, mode, page['name'], 'floor'):.2f}",
                f"{page_ratio(medians, mode, page['name'], 'minimal'):.2f}",
                f"{page_ratio(medians, mode, page['name'], 'static'):.2f}",
                page.get("queries", "?") if mode == "off" else "-",
                kb(weight) if weight is not None else "?",
                stats["errors"],
            )
        )
    header = [
        "page",
        "address",
        "req/s",
        "p50 ms",
        "p99 ms",
        "x floor",
        "x minimal",
        "x static",
        "SQL queries",
        "bytes (gzip, with CSS+JS)",
        "errors",
    ]
    return table(header, rows)


def reference_table(run):
    medians = run["medians"]
    rows = []
    for page in run["pages"]:
        for kind in REFERENCES:
            stats = reference_of(medians, kind, page["name"])
            if not stats:
                continue
            size = page.get("reference_bytes", {}).get(kind)
            rows.append(
                (
                    page["name"],
                    kind,
                    f"{stats['rps']:,.0f}",
                    ms(stats["p50_ms"]),
                    ms(stats["p99_ms"]),
                    stats["errors"],
                    "?" if size is None else f"{size:,}",
                    f"{page['bytes']:,}" if "bytes" in page else "?",
                )
            )
    header = ["page", "reference", "req/s", "p50 ms", "p99 ms", "errors", "bytes", "page's bytes"]
    return table(header, rows)


def render(run):
    settings = run["settings"]
    parts = [
        "# Benchmark results",
        "",
        f"Run from {run['started']} to {run['finished']} (UTC) by `make bench`"
        f" ({settings.get('mode', '')}). Written by bench/run.py: do not edit by hand.",
        "",
        "## Machine and versions",
        "",
        table(["", ""], [*run["machine"].items(), *run["versions"].items()]),
        "",
        "## Settings",
        "",
        table(["", ""], settings.items()),
        "",
        "Requests per second, p50 and p99 are medians over the rounds; every target was",
        "driven once per round, interleaved. Ratios are the page's requests per second over",
        "those of the references serving that page's own bytes. Errors are non-2xx/3xx",
        "answers, timeouts and socket errors over all rounds. SQL queries: one anonymous",
        "request, page cache off, counted by Django.",
        "Bytes: what the nginx proxy sends with `Accept-Encoding: gzip`, page plus its CSS",
        "and JS (module imports followed).",
        "",
        "## Reference points",
        "",
        "Each page has its own three references, serving that page's bytes (fetched once",
        "from the cache-off site) at `/ref/<page>`: floor, the plain WSGI callable (the",
        "Python floor); minimal, a minimal Django view (startproject middleware, no",
        "database); static, nginx serving the bytes as a file. Bytes: the body each sends,",
        "uncompressed, as wrk receives it, next to the page's own (what the site sent).",
        "",
        reference_table(run),
        "",
    ]
    for mode, title in MODES.items():
        if mode in run["medians"]:
            parts += [f"## {title}", "", mode_table(run, mode), ""]
    parts += [
        "## Page weight",
        "",
        table(
            ["page", "HTML", "CSS", "JS", "total", "encoding", "proxy cache", "Cache-Control"],
            [
                (
                    page["name"],
                    kb(page["weight"]["html"]),
                    kb(page["weight"]["css"]),
                    kb(page["weight"]["js"]),
                    kb(page["weight"]["total"]),
                    page["weight"]["encoding"],
                    page.get("cache_status") or "-",
                    f"`{page['cache_control']}`" if page.get("cache_control") else "none",
                )
                for page in run["pages"]
                if page.get("weight")
            ],
        ),
        "",
    ]
    if run.get("edits"):
        parts += edits_section(run["edits"])
    if run.get("passed_through"):
        parts += passed_through_section(run["passed_through"])
    search = run.get("search")
    if search:
        parts += [
            "## Search",
            "",
            f"{search['requests']} searches one at a time for {search['terms']} different words "
            f"and phrases, page cache off: p50 {search['p50_ms']:.1f} ms, "
            f"p95 {search['p95_ms']:.1f} ms.",
            "",
        ]
    if run.get("faults"):
        parts += faults_section(run["faults"])
    if run.get("alerts"):
        parts += alerts_section(run["alerts"])
    parts += [
        TARGETS_HEADING,
        "",
        f"A timing has to beat its target by more than {NOISE:.0%} to count as met (rounds",
        "vary by 10-25% here); SQL query counts and bytes are exact.",
        "",
        table(["target", "measured", "result"], targets(run)),
        "",
        "## How to run it",
        "",
        "```sh",
        "make bench                 # the full run (10-15 minutes, then email alerts);",
        "                           # writes bench/results.md",
        "BENCH_QUICK=1 make bench   # a smoke run of a few minutes, smaller dataset",
        "python -m bench.alerts     # email alerts alone (their section)",
        "```",
        "",
        "Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379; `make bench`",
        "installs wrk and nginx with apt-get when they are missing. See docs/notes/bench.md",
        "for the settings (BENCH_ROUNDS, BENCH_DURATION, BENCH_DATABASE_URL...).",
        "",
    ]
    return "\n".join(parts)


def write(path, run):
    """results.md for `run`; the Faults under load and Email alerts sections already
    there are kept (each is written by its own run, bench/faults.py and bench/alerts.py)
    unless `run` has one of its own."""
    markdown = render(run)
    path = Path(path)
    if path.exists():
        before = path.read_text()
        for heading, key in ((FAULTS_HEADING, "faults"), (ALERTS_HEADING, "alerts")):
            kept = section_of(before, heading)
            if kept and not run.get(key):
                markdown = with_section(markdown, heading, kept)
    path.write_text(markdown)
    return markdown


# Faults under load (bench/faults.py) -------------------------------------------------


def section_of(markdown, heading):
    """The lines of the section under `heading`, up to the next `## ` heading; [] when
    there is none."""
    lines = markdown.split("\n")
    if heading not in lines:
        return []
    start = lines.index(heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return lines[start:end]


def with_section(markdown, heading, section):
    """`markdown` with the section under `heading` replaced by `section` (lines), or,
    when it has none, `section` added before the targets (at the end without them)."""
    lines = markdown.split("\n")
    if heading in lines:
        start = lines.index(heading)
        end = start + len(section_of(markdown, heading))
    else:
        start = end = lines.index(TARGETS_HEADING) if TARGETS_HEADING in lines else len(lines)
        if start == len(lines) and lines and lines[-1] != "":
            section = ["", *section]
    return "\n".join(lines[:start] + section + lines[end:])


def write_section(path, heading, section):
    """Put a section into results.md, replacing only the section under `heading` (the
    other runs write the rest); a file of its own when there is none yet."""
    path = Path(path)
    markdown = path.read_text() if path.exists() else "# Benchmark results\n"
    path.write_text(with_section(markdown, heading, section))
    return "\n".join(section)


def write_faults(path, faults):
    return write_section(path, FAULTS_HEADING, faults_section(faults))


def write_alerts(path, alerts):
    return write_section(path, ALERTS_HEADING, alerts_section(alerts))


def faults_section(faults):
    """The "Faults under load" part of results.md: one row per scenario in each table,
    then, per scenario, the 5xx and stale responses one by one."""
    settings = faults["settings"]
    scenarios = faults["scenarios"]
    at, length = settings["fault_at_s"], settings["fault_for_s"]
    loads = ", ".join(
        f"{s['name']} {s['load_average'][0]:g}-{s['load_average'][1]:g}" for s in scenarios
    )
    lines = [
        FAULTS_HEADING,
        "",
        *wrapped(
            f"Run from {faults['started']} to {faults['finished']} (UTC) by "
            "`python -m bench.faults` (`make faults`), apart from the sections above; written "
            "by bench/faults.py: do not edit by hand. The machine "
            f"({faults['machine'].get('cores (nproc)', '?')} cores) was shared with other "
            "work during the run (load average over a minute at the start and the end of "
            f"each scenario: {loads}), so the timings move with it."
        ),
        "",
        *wrapped(
            f"Each scenario: the site under gunicorn ({settings['gunicorn']}, production "
            f"settings) on the bench database ({settings['dataset']}), its cache in a "
            f"redis-server of the run's own; wrk {settings['wrk']}; the fault from {at:g} s "
            f"to {at + length:g} s; an editor saving the news detail page's item "
            f"(`{settings['edited']}`) every {settings['edit_every_s']:g} s through the ORM; "
            "one observer per page asking for it again and again, and one asking `/healthz` "
            f"every {settings['healthz_every_s']:g} s. Redis timeout "
            f"{settings['redis_timeout_s']:g} s, then left alone for "
            f"{settings['redis_retry_after_s']:g} s; database connections kept "
            f"{settings['conn_max_age_s']} s."
        ),
        "",
        table(
            [
                "scenario",
                "fault",
                "from-to s",
                "requests",
                "req/s before / during / after",
                "5xx",
                "other non-2xx",
                "socket errors",
                "timeouts",
                "p50 ms",
                "p99 ms",
                "max ms",
                "longest observer wait ms: during the fault; before, after",
            ],
            [
                (
                    s["name"],
                    s["fault"],
                    f"{s['broken_s']:.1f}-{s['mended_s']:.1f}",
                    f"{s['requests']:,}",
                    " / ".join(
                        "-" if rate is None else f"{rate:,.0f}"
                        for rate in s["rps_by_phase"].values()
                    ),
                    f"{s['server_errors']:,}",
                    f"{s['other_non_2xx']:,}",
                    f"{s['socket_errors']:,}",
                    f"{s['timeouts']:,}",
                    ms(s["p50_ms"]),
                    ms(s["p99_ms"]),
                    ms(s["max_ms"]),
                    longest(s["longest_wait"]),
                )
                for s in scenarios
            ],
        ),
        "",
        table(
            [
                "scenario",
                "edits saved",
                "stale after recovery",
                "stale during the fault",
                "/healthz during the fault",
                "public pages 200 during the fault",
            ],
            [
                (
                    s["name"],
                    saved_edits(s["edits"]),
                    f"{s['stale_after']:,}",
                    f"{s['stale_during']:,}",
                    answers(s["healthz_during"]),
                    f"{s['during']['200']:,} of {s['during']['answers']:,}",
                )
                for s in scenarios
            ],
        ),
        "",
        *wrapped(
            "5xx, other non-2xx, socket errors, timeouts and the latencies are wrk's, over "
            "the whole run; req/s before, during and after the fault are wrk's answers per "
            "second over the whole seconds of each. The longest observer wait: the longest "
            "single response an observer saw under way during the fault (its page, and when "
            "it was asked for), queueing included, then the longest of those answered "
            "before the fault and of those asked for after it. Stale: a 200 asked for after "
            "a save returned that shows an older edit, on a page that shows the item; after "
            "recovery counts those asked for once the part was back. /healthz and public "
            "pages during the fault: the answers given during it (the "
            "observers'). How to read them: docs/notes/bench.md."
        ),
        "",
    ]
    for s in scenarios:
        notes = scenario_notes(s)
        if notes:
            lines += [f"**{s['name']}.**", ""]
            for note in notes:
                lines += wrapped(note, indent="  ")
            lines.append("")
    return "\n".join(lines).split("\n")  # the tables' rows as lines of their own


def wrapped(text, indent=""):
    """`text` in lines of at most 88 characters, never breaking inside a `code span`."""
    kept = re.sub(r"`[^`]*`", lambda code: code.group(0).replace(" ", "\0"), text)
    lines = textwrap.wrap(kept, width=88, subsequent_indent=indent, break_on_hyphens=False)
    return [line.replace("\0", " ") for line in lines]


def longest(waits):
    """The longest observer wait under way during the fault, where and when it was asked
    for, then the longest before and after it for comparison."""

    def at_most(wait):
        return "-" if not wait else f"{wait['ms']:,.0f}"

    during = waits.get("during")
    where = f" ({during['page']}, at {during['at_s']:.1f} s)" if during else ""
    return (
        f"{at_most(during)}{where}; before {at_most(waits.get('before'))}, "
        f"after {at_most(waits.get('after'))}"
    )


def saved_edits(edits):
    text = f"{edits['saved']} of {edits['tried']}"
    if edits["failed"]:
        text += " (failed at " + ", ".join(f"{e['at_s']:.1f}" for e in edits["failed"]) + " s)"
    return text


def answers(counts):
    return ", ".join(f"{answer}: {count}" for answer, count in counts.items()) or "none answered"


def scenario_notes(scenario):
    """Lines saying exactly what went wrong and when: wrk's 5xx and other non-2xx by
    second, the observers' 5xx and failed connections, the failed saves, the stale
    responses."""
    notes = []
    seconds = [row for row in scenario["by_second"] if row[2] or row[3]]
    if seconds:
        notes.append(
            "- wrk's 5xx / other non-2xx by second of the run: "
            + ", ".join(f"{at:.1f} s: {fives} / {others}" for at, _n, fives, others in seconds)
            + "."
        )
    errors = scenario["observed_errors"]
    if errors["count"]:
        listed = ", ".join(
            f"{e['page']} {e['status'] or 'no answer'} at {e['at_s']:.1f} s"
            for e in errors["listed"]
        )
        more = errors["count"] - len(errors["listed"])
        notes.append(
            f"- The observers' 5xx and failed connections ({errors['count']:,}): {listed}"
            + (f", and {more:,} more" if more > 0 else "")
            + "."
        )
    for edit in scenario["edits"]["failed"]:
        notes.append(f"- Edit {edit['number']} not saved at {edit['at_s']:.1f} s: {edit['error']}.")
    for when, groups in scenario["stale_groups"].items():
        for group in groups:
            shown = "the original title" if group["shown"] is None else f"edit {group['shown']}"
            pages = ", ".join(f"{page} {count}" for page, count in group["pages"].items())
            notes.append(
                f"- Stale {when} the fault: {group['count']:,} responses asked for from "
                f"{group['from_s']:.1f} s to {group['to_s']:.1f} s ({pages}) showed {shown}; "
                f"edit {group['expected']} had been saved at {group['saved_s']:.1f} s."
            )
    if "proxy" in scenario:
        proxy = scenario["proxy"]
        notes.append(
            f"- The proxy dropped {proxy['dropped']} connections and refused "
            f"{proxy['refused']:,} during the cut."
        )
    return notes


# Email alerts (bench/alerts.py) --------------------------------------------------------


def mb(kilobytes):
    return f"{kilobytes / 1024:.1f}"


def per_1000(value, emails):
    return value * 1000 / emails if emails else 0.0


def alerts_rows(runs):
    return [
        (
            run["what"],
            run["sink"],
            f"{run['subscribers']:,}",
            f"{run['emails']:,}",
            f"{run['seconds']:.1f}",
            f"{run['per_second']:,.0f}",
            ", ".join(mb(peak) for peak in run["peak_rss_kb"]),
            f"{run['queries']['per_1000']:.0f}",
            f"{per_1000(sum(run['worker_cpu_s']), run['emails']):.2f}, "
            f"{per_1000(run['sink_cpu_s'], run['emails']):.2f}",
            "-" if run.get("machine_busy") is None else f"{run['machine_busy']:.0%}",
        )
        for run in runs
    ]


def sent_once(run):
    """Every email the run queued was marked sent, none failed or needed a second try,
    and the sink got exactly as many as there were people."""
    outcome = run["outcome"]
    return (
        outcome["statuses"] == {"sent": run["subscribers"]}
        and outcome["attempts_over_1"] == 0
        and run["accepted_in_all"] == run["subscribers"]
    )


def alerts_targets(alerts):
    """Issue #22's figures for the press release to ALERT_SUBSCRIBERS people (through each
    sink measured), worker memory from the smallest list to the largest, and every
    email sent once."""
    press = [run for run in alerts["runs"] if run["what"] == "press release"]
    workers = alerts["settings"]["workers"]
    rows = []
    for sink in dict.fromkeys(run["sink"] for run in press):
        full = [run for run in press if run["sink"] == sink]
        largest = max(full, key=lambda run: run["subscribers"])
        target = (
            f"A press release to {ALERT_SUBSCRIBERS:,} people: every email at the sink "
            f"({sink}) in under {MAX_ALERTS_S} s with {workers} workers"
        )
        if largest["subscribers"] < ALERT_SUBSCRIBERS:
            rows.append(
                (
                    target,
                    f"{largest['subscribers']:,} people at most (a quick run): "
                    f"{largest['seconds']:.1f} s",
                    "not measured",
                )
            )
            continue
        rows.append(
            (
                target,
                f"{largest['seconds']:.1f} s ({largest['per_second']:,.0f} emails/s)",
                at_most(largest["seconds"], MAX_ALERTS_S),
            )
        )
    chosen = [run for run in press if run["sink"] == alerts["settings"]["sink"]]
    if len(chosen) > 1:
        small, large = (
            min(chosen, key=lambda run: run["subscribers"]),
            max(chosen, key=lambda run: run["subscribers"]),
        )
        low, high = max(small["peak_rss_kb"]), max(large["peak_rss_kb"])
        rows.append(
            (
                f"Worker peak memory flat from {small['subscribers']:,} to "
                f"{large['subscribers']:,} people (at most {FLAT_MEMORY - 1:.0%} more)",
                f"highest worker peak {mb(low)} MB, then {mb(high)} MB ({high / low - 1:+.0%})",
                "met" if high <= low * FLAT_MEMORY else "not met",
            )
        )
    rows.append(
        (
            "Every email sent once: all marked sent, none failed or tried twice, the sink "
            "got one per person",
            "; ".join(
                f"{run['what']} to {run['subscribers']:,} ({run['sink']}): "
                + ", ".join(f"{n:,} {status}" for status, n in run["outcome"]["statuses"].items())
                + f", {run['accepted_in_all']:,} at the sink"
                for run in alerts["runs"]
            ),
            "met" if all(sent_once(run) for run in alerts["runs"]) else "not met",
        )
    )
    return rows


def alerts_section(alerts):
    """The "Email alerts" part of results.md: one row per run, the sinks alone, how the
    queries were counted, and issue #22's targets."""
    settings = alerts["settings"]
    loads = alerts["load_average"]
    digest = next((run for run in alerts["runs"] if run["what"] != "press release"), None)
    lines = [
        ALERTS_HEADING,
        "",
        *wrapped(
            f"Run from {alerts['started']} to {alerts['finished']} (UTC) by "
            "`python -m bench.alerts` (the last part of `make bench`); written by "
            "bench/alerts.py: do not edit by hand. The machine "
            f"({alerts['machine'].get('cores (nproc)', '?')} cores) was shared with other "
            f"work: load average over a minute {loads['start']:g} at the start, "
            f"{loads['end']:g} at the end. Every process below ran on the same cores, so "
            "other work moves every timing."
        ),
        "",
        *wrapped(
            f"{settings['workers']} `manage.py db_worker` processes (production settings, "
            f"the database task queue on PostgreSQL, `{settings['database']}`), started "
            "fresh for each run; `ALERTS_CHUNK` "
            f"{settings['chunk']}, `ALERTS_SENDERS` {settings['senders']}; Django's SMTP "
            "backend to a local SMTP sink in a process of its own, accepting and "
            f"discarding (bench/smtp_sink.py). Subscribers confirmed, on the news list, "
            "bulk-created. A press release: from its save (through the ORM, as the admin "
            "saves) to the last email accepted by the sink. A daily digest: from starting "
            "`manage.py send_digests daily` to the last email accepted"
            + (
                f", {digest['changes']} changes announced the day before in each email."
                if digest
                else "."
            )
        ),
        "",
        table(
            [
                "run",
                "sink",
                "subscribers",
                "emails",
                "seconds",
                "emails/s",
                "peak RSS per worker (MB)",
                "queries per 1,000 emails",
                "CPU s per 1,000 emails: workers, sink",
                "machine's CPU busy",
            ],
            alerts_rows(alerts["runs"]),
        ),
        "",
    ]
    lines += wrapped(
        "Peak RSS: VmHWM in /proc/<pid>/status, the high-water mark of each worker's "
        "resident memory since it started (the first worker also ran the announce task, "
        "which queues the emails). Queries: every statement each worker sent, counted "
        "inside it (bench/counted_worker.py runs `db_worker` inside Django's "
        "`connection.execute_wrapper`) from just before the publication to the last email: "
        "the announce task's, the sending's, and the workers' polls of the task queue "
        "while they waited. CPU: user and system seconds of the workers together, and of "
        "the sink (/proc/<pid>/stat). The machine's CPU busy: the share of all its cores' time "
        "during the run spent on anything, this run's processes and other work alike "
        "(/proc/stat)."
    )
    lines += [""]
    for run in alerts["runs"]:
        queries = run["queries"]
        lines += wrapped(
            f"- {run['what'].capitalize()} to {run['subscribers']:,} ({run['sink']}): "
            f"{queries['total']:,} queries: {queries['alerts']:,} on the alerts tables, "
            f"{queries['queue']:,} on the task queue, {queries['other']:,} other (other "
            "tables, savepoints).",
            indent="  ",
        )
    lines += [""]
    alone = alerts.get("sink_alone") or []
    if alone:
        lines += wrapped(
            "The sinks alone, each sent "
            f"{alone[0]['messages']:,} ready-made alert-sized messages by two smtplib "
            "clients in processes of their own, one connection each: "
            + "; ".join(
                f"{sink['sink']} {sink['per_second']:,.0f} messages/s "
                f"({per_1000(sink['sink_cpu_s'], sink['messages']):.2f} CPU s per 1,000)"
                for sink in alone
            )
            + "."
        )
        lines += [""]
    lines += [
        table(["target", "measured", "result"], alerts_targets(alerts)),
        "",
        *wrapped(
            f"A time has to beat its target by more than {NOISE:.0%} to count as met, as "
            "above. How to read this section: docs/notes/bench.md."
        ),
        "",
    ]
    return "\n".join(lines).split("\n")  # the tables' rows as lines of their own
