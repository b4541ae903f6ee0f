"""Where an uncached page's time goes: `python -m bench.breakdown.run` after `make bench`.

Starts the site (page cache off) with bench/breakdown/urls.py's extra addresses and the
minimal Django view serving the home page's reference (from the last `make bench`'s
bench/.work/reference), and drives each with wrk at the benchmark's settings, round
after round. Prints requests per second (median of the rounds) and the ratio to the
minimal view. Needs the bench database, so run `make bench` once first.
"""

import os
import statistics

from bench.run import ROOT, WORK, Servers, Settings, site_environment, wrk

SLUG = "bench-news-04999"
TARGETS = [
    ("minimal Django view (the reference)", "minimal", "/ref/home"),
    ("the site's middleware, a one-line answer", "site", "/breakdown/hello"),
    ("+ one query (the press release by its slug)", "site", f"/breakdown/one-query/{SLUG}"),
    ("the six queries of a press release page, no template", "site", f"/breakdown/queries/{SLUG}"),
    ("+ one query's SQL through a bare cursor (no ORM)", "site", f"/breakdown/one-sql/{SLUG}"),
    ("the six queries' SQL, bare cursor, no template", "site", f"/breakdown/six-sql/{SLUG}"),
    ("the site's layout alone (the 404 page, no query)", "site", "/breakdown/layout"),
    ("the press release page", "site", f"/news/{SLUG}/"),
]


def main():
    config = Settings()
    ports = {"site": config.port + 10, "minimal": config.port + 11}
    reference_dir = WORK / "reference"
    if not (reference_dir / "pages.json").exists():
        raise SystemExit("No reference pages: run `make bench` first.")
    site_env = site_environment(config, cache_on=False)
    site_env["DJANGO_SETTINGS_MODULE"] = "bench.breakdown.settings"
    minimal_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    minimal_env.update(
        BENCH_REFERENCE_DIR=str(reference_dir),
        DJANGO_SETTINGS_MODULE="bench.minimal_django.settings",
    )
    gunicorn_config = ROOT / "deploy" / "gunicorn.conf.py"
    servers = Servers()
    try:
        wsgi = "strategy_site.wsgi:application"
        servers.gunicorn(
            "breakdown", wsgi, site_env, ports["site"], config.workers, gunicorn_config
        )
        servers.gunicorn(
            "breakdown_minimal",
            "bench.minimal_django.wsgi:application",
            minimal_env,
            ports["minimal"],
            config.workers,
            gunicorn_config,
        )
        runs = {name: [] for name, _, _ in TARGETS}
        for _ in range(config.rounds):
            for name, server, path in TARGETS:
                runs[name].append(wrk(config, ports[server], path)["rps"])
    finally:
        servers.stop()
    reference = statistics.median(runs[TARGETS[0][0]])
    print("| what the worker does | req/s | x minimal |\n| --- | --- | --- |")
    for name, rounds in runs.items():
        rps = statistics.median(rounds)
        print(f"| {name} | {rps:,.0f} | {rps / reference:.2f} |")


if __name__ == "__main__":
    main()
