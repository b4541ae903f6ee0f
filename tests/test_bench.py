"""The benchmark harness (bench/) on a tiny dataset, so `make bench` cannot silently rot.

Nothing here is timed: the dataset builder, the reference servers' apps and the
results writer are checked for what they produce.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from bench import dataset, results
from news.models import CabinetDecision, PressRelease

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_dataset_builder_adds_the_sample_items_once(db, media, client):
    created = dataset.build(press_releases=20, decisions=6, deliverables=3, photos=2)

    assert created["press releases"] == 20
    assert created["decisions"] == 6
    assert created["deliverables"] == (3 if dataset.deliverable_model() else 0)
    # The real content is there too: the fixtures' press release and decision.
    assert PressRelease.objects.published().count() == 21
    assert CabinetDecision.objects.published().count() == 7
    assert dataset.counts()["press releases"] == 21

    # Half the press releases share the two photos, each stored once with renditions.
    with_photo = PressRelease.objects.exclude(image="")
    assert with_photo.count() == 10
    assert with_photo.order_by().values("image").distinct().count() == 2
    photo = with_photo.first()
    assert default_storage.exists(photo.image.name)
    assert all(default_storage.exists(r["name"]) for r in photo.image_renditions["webp"])

    # Building again adds nothing.
    again = dataset.build(press_releases=20, decisions=6, deliverables=3, photos=2)
    assert set(again.values()) == {0}
    assert PressRelease.objects.count() == 21


def test_sample_items_are_real_pages(db, media, client):
    dataset.build(press_releases=4, decisions=2, deliverables=0, photos=1)
    press_release = PressRelease.objects.exclude(image="").filter(slug__startswith="bench-").first()
    decision = CabinetDecision.objects.filter(slug__startswith="bench-").first()

    page = client.get(press_release.get_absolute_url())
    assert page.status_code == 200
    assert "Benchmark sample press release" in page.text
    assert "<picture" in page.text
    assert client.get(decision.get_absolute_url()).status_code == 200
    assert "Benchmark sample" in client.get(reverse("news:index")).text


def test_probe_finds_every_page_and_counts_its_queries(db, media):
    from bench import probe

    dataset.build(press_releases=4, decisions=2, deliverables=0, photos=1)
    pages = probe.pages()
    counts = probe.query_counts(pages)

    assert [page["name"] for page in pages] == [
        "home",
        "priority",
        "news list",
        "news detail",
        "decision detail",
        "search",
        "news feed",
        "sitemap",
    ]
    assert all(counts[page["name"]]["status"] == 200 for page in pages)
    assert all(counts[page["name"]]["queries"] > 0 for page in pages)


def test_floor_wsgi_returns_the_page_bytes(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_bytes(b"<!doctype html><title>x</title>" + b"a" * 1000)
    monkeypatch.setenv("BENCH_PAGE_FILE", str(page))
    sys.modules.pop("bench.floor_wsgi", None)
    from bench import floor_wsgi

    started = []
    body = b"".join(floor_wsgi.application({}, lambda status, headers: started.append(status)))

    assert started == ["200 OK"]
    assert body == page.read_bytes()
    sys.modules.pop("bench.floor_wsgi", None)


def test_minimal_django_view_renders_its_template(tmp_path):
    (tmp_path / "page.html").write_text("<title>{{ title }}</title>" + "x" * 500)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        BENCH_TEMPLATE_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="bench.minimal_django.settings"
    )
    script = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='127.0.0.1').get('/'); "
        "print(r.status_code, len(r.content), r.content[:40])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200 ")
    assert "<title>Meeting Needs Together</title>" in result.stdout


def sample_run():
    """A run as bench/run.py records it, with made-up numbers."""

    def stats(rps, p99=20.0, errors=0):
        return {"rps": rps, "p50_ms": 5.0, "p99_ms": p99, "errors": errors, "rounds": 3}

    weight = {"html": 9000, "css": 20000, "js": 8000, "total": 37000, "encoding": "gzip"}
    pages = [
        {"name": "home", "path": "/", "kind": "list", "html": True, "queries": 4},
        {"name": "news detail", "path": "/news/x/", "kind": "detail", "html": True, "queries": 9},
        {"name": "news feed", "path": "/news/feed/", "kind": "list", "html": False, "queries": 2},
    ]
    for page in pages:
        page["weight"] = {**weight, "third_party": [], "fonts": False}
        page["cache_control"] = "max-age=60, public"
    return {
        "started": "2026-11-23T15:00:00+00:00",
        "finished": "2026-11-23T15:10:00+00:00",
        "machine": {"cores (nproc)": 2, "CPU": "Test CPU"},
        "versions": {"Django": "5.2"},
        "settings": {"mode": "quick (BENCH_QUICK=1)", "rounds": 3},
        "pages": pages,
        "medians": {
            "reference": {"floor": stats(2000), "minimal": stats(1000), "static": stats(10000)},
            # home: 2.0x minimal and 1.0x floor, clear of the noise band: met.
            # news detail: 1.6x minimal, inside the band of the 1.5x target: not a pass.
            "warm": {"home": stats(2000), "news detail": stats(1600), "news feed": stats(2000)},
            "off": {"home": stats(500), "news detail": stats(300), "news feed": stats(400)},
            "proxy": {"home": stats(9000), "news detail": stats(9000), "news feed": stats(9000)},
        },
        "search": {"requests": 18, "terms": 18, "p50_ms": 12.0, "p95_ms": 20.0},
    }


def test_results_writer_writes_the_tables_and_the_targets(tmp_path):
    path = tmp_path / "results.md"
    markdown = results.write(path, sample_run())

    assert path.read_text() == markdown
    assert "Test CPU" in markdown
    for heading in ("## Reference points", "## Cache warm", "## Cache off", "## Behind nginx"):
        assert heading in markdown
    assert "| home | `/` | 2,000 | 5.0 | 20.0 | 1.00 | 2.00 | 0.20 |" in markdown
    verdicts = {target: verdict for target, _measured, verdict in results.targets(sample_run())}
    warm = next(v for t, v in verdicts.items() if t.startswith("Cache warm"))
    assert warm == "not met (inside the noise band)"
    queries = next(v for t, v in verdicts.items() if "SQL queries" in t)
    assert queries == "not met"  # the news detail's 9
    assert verdicts["No web fonts to download"] == "met"
    search = next(v for t, v in verdicts.items() if t.startswith("PostgreSQL search"))
    assert search == "met"
    proxy = next(v for t, v in verdicts.items() if t.startswith("Behind"))
    assert proxy == "met"  # 0.9x static


@pytest.mark.parametrize(
    ("value", "verdict"),
    [(0.76, "met"), (0.6, "not met (inside the noise band)"), (0.59, "not met")],
)
def test_a_ratio_inside_the_noise_band_is_not_a_pass(value, verdict):
    assert results.at_least(value, 0.6) == verdict


@pytest.mark.parametrize(
    ("value", "verdict"),
    [(39.0, "met"), (45.0, "not met (inside the noise band)"), (51.0, "not met")],
)
def test_a_time_inside_the_noise_band_is_not_a_pass(value, verdict):
    assert results.at_most(value, 50) == verdict
