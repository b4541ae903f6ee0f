"""The benchmark's "edits under load" scenario (bench/edits.py), on a tiny dataset.

Nothing here is timed: the editor's saves, what a page is seen to show, the staleness
worked out from made-up observations, and the report.
"""

import io
from copy import deepcopy

import pytest
from django.urls import reverse

from bench import dataset, edits, results
from news.models import PressRelease
from tests.test_bench import sample_run


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_edit_is_seen_on_the_pages_that_show_the_item(db, media, client, monkeypatch):
    dataset.build(press_releases=3, decisions=1, deliverables=0, photos=0)
    item = PressRelease.objects.published().first()
    original = item.title
    path = item.get_absolute_url()
    seen = []
    out = io.StringIO()

    def save_and_look(self, *args, **kwargs):
        real_save(self, *args, **kwargs)
        seen.append(
            {
                "detail": edits.edit_shown(client.get(path).content),
                "list": edits.edit_shown(client.get(reverse("news:index")).content),
                "feed": edits.edit_shown(client.get(reverse("news:feed")).content),
            }
        )

    real_save = PressRelease.save
    monkeypatch.setattr(PressRelease, "save", save_and_look)
    edits.edit_item(path, every=0, count=2, wait_for_go=False, out=out)

    # Each save shows at once; the last save puts the title back.
    assert seen == [
        {"detail": 1, "list": 1, "feed": 1},
        {"detail": 2, "list": 2, "feed": 2},
        {"detail": None, "list": None, "feed": None},
    ]
    item.refresh_from_db()
    assert item.title == original
    printed = edits.edits_printed(out.getvalue())
    assert [edit["number"] for edit in printed] == [1, 2]
    assert printed[0]["saved"] <= printed[1]["saved"]


def test_an_edit_marker_replaces_the_last_and_survives_html_escaping():
    title = edits.titled(edits.titled("Families & partners", 1), 2)

    assert title == "Families & partners (Bench edit 2)"
    assert edits.edit_shown(b"<h1>Families &amp; partners (Bench edit 2)</h1>") == 2
    assert edits.edit_shown(b"<h1>Families &amp; partners</h1>") is None


def test_staleness_counts_responses_asked_for_after_a_save_that_show_older_text():
    saved = [{"number": 1, "saved": 10.0}, {"number": 2, "saved": 12.0}]
    seen = {
        # Edit 1 shows at once; edit 2 is stale for two responses, fresh from 12.3.
        "news list": [
            (9.9, 200, None),
            (10.0, 200, 1),
            (11.0, 200, 1),
            (12.1, 200, 1),
            (12.2, 200, 1),
            (12.3, 200, 2),
        ],
        # Asked for before the save: showing the older text is not stale. A 503 shows
        # nothing and is not counted here (it is a non-2xx answer).
        "news detail": [(11.99, 200, 1), (12.0, 200, 2), (12.05, 503, None)],
        # Never shows the item: not a page the edits are looked for on.
        "decision detail": [(10.5, 200, None), (12.5, 200, None)],
    }

    found = edits.staleness(saved, seen)

    assert found["pages"] == ["news detail", "news list"]
    assert found["stale responses"] == 2
    assert found["per edit ms"] == [0.0, pytest.approx(300.0)]
    assert found["max ms"] == pytest.approx(300.0)
    assert found["median ms"] == pytest.approx(150.0)


def a_run_with_edits(non_2xx=0, p99=120.0, stale=0):
    run = deepcopy(sample_run())
    run["edits"] = {
        "connections": 64,
        "duration_s": 30,
        "every_s": 2.0,
        "pages": ["home", "news detail", "news feed"],
        "edited": "/news/x/",
        "requests": 90_000,
        "rps": 3000.0,
        "p50_ms": 8.0,
        "p99_ms": p99,
        "max_ms": 400.0,
        "non_2xx": non_2xx,
        "socket_errors": 0,
        "staleness": {
            "edits": 15,
            "pages": ["home", "news detail"],
            "stale responses": stale,
            "per edit ms": [0.0] * 15,
            "max ms": 0.0,
            "median ms": 0.0,
        },
    }
    return run


def test_the_report_shows_the_edits_under_load_and_their_targets():
    markdown = results.render(a_run_with_edits())

    assert "## Edits under load" in markdown
    assert "| 90,000 | 3,000 | 8.0 | 120.0 | 400.0 | 0 | 0 | 0 | 0.0 | 0.0 |" in markdown
    verdicts = {t: v for t, _m, v in results.targets(a_run_with_edits())}
    edit_rows = {t: v for t, v in verdicts.items() if t.startswith("Edits under load")}
    assert list(edit_rows.values()) == ["met", "met", "met"]


@pytest.mark.parametrize(
    ("run", "failing"),
    [
        (a_run_with_edits(non_2xx=3), "no non-2xx answer"),
        (a_run_with_edits(p99=240.0), "p99 < 250 ms"),  # inside the noise band
        (a_run_with_edits(stale=1), "from before it"),
    ],
)
def test_an_edits_target_missed_is_reported(run, failing):
    verdicts = {t: v for t, _m, v in results.targets(run) if t.startswith("Edits under load")}

    assert [t for t, v in verdicts.items() if v != "met"] == [
        t for t in verdicts if t.endswith(failing)
    ]
