"""Progress in the open: deliverables, their status and history, /progress/ and the
priority pages' progress sections, and "You said, we did"."""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from priorities.models import Strategy
from progress.models import Deliverable, DeliveryStatus, StatusChange, TargetPrecision
from publishing.models import Status
from tests.factories import (
    DeliverableFactory,
    EvidenceLinkFactory,
    MilestoneFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    StrategyFactory,
    YouSaidWeDidFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def priorities():
    strategy = StrategyFactory(status=Strategy.Status.CURRENT)
    return [PriorityFactory(strategy=strategy, number=number) for number in range(1, 7)]


def text_of(response):
    html = re.sub(r"<svg.*?</svg>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def set_status(deliverable, new_status, on, **kwargs):
    return ProgressUpdateFactory(deliverable=deliverable, new_status=new_status, date=on, **kwargs)


# The rules ----------------------------------------------------------------------


def test_a_deliverable_starts_at_its_starting_status_and_moves_with_published_updates():
    deliverable = DeliverableFactory(starting_status=DeliveryStatus.ON_TRACK)
    assert deliverable.current_status == DeliveryStatus.ON_TRACK

    set_status(deliverable, DeliveryStatus.AT_RISK, date(2025, 3, 1))
    assert deliverable.current_status == DeliveryStatus.AT_RISK

    set_status(deliverable, DeliveryStatus.COMPLETE, date(2025, 4, 1), status=Status.DRAFT)
    later = timezone.now() + timedelta(days=2)
    set_status(deliverable, DeliveryStatus.DELAYED, date(2025, 5, 1), published_at=later)
    assert deliverable.current_status == DeliveryStatus.AT_RISK, "drafts and scheduled updates wait"
    annotated = Deliverable.objects.with_current_status().get(pk=deliverable.pk)
    assert annotated.current_status == DeliveryStatus.AT_RISK


def test_each_status_change_is_kept_as_a_row_of_the_history(client):
    deliverable = DeliverableFactory()
    first = set_status(deliverable, DeliveryStatus.ON_TRACK, date(2025, 1, 10))
    set_status(deliverable, DeliveryStatus.AT_RISK, date(2025, 2, 10))
    ProgressUpdateFactory(deliverable=deliverable, date=date(2025, 2, 20))  # no change

    history = StatusChange.objects.filter(deliverable=deliverable).order_by("changed_on")
    assert [change.status for change in history] == ["on_track", "at_risk"]
    assert history[0].update == first

    page = text_of(client.get(deliverable.get_absolute_url()))
    assert "Status changed to At risk (it was on track)" in page
    assert "Status changed to On track (it was not started)" in page
    assert "Status At risk" in page


def test_an_update_that_stops_changing_the_status_leaves_the_history():
    update = set_status(DeliverableFactory(), DeliveryStatus.DELAYED, date(2025, 1, 10))
    update.new_status = ""
    update.save()
    assert not StatusChange.objects.filter(update=update).exists()


def test_roll_up_counts_each_priority_s_deliverables_by_status(priorities):
    first, second = priorities[:2]
    on_track = DeliverableFactory.create_batch(2, priority=first)
    for deliverable in on_track:
        set_status(deliverable, DeliveryStatus.ON_TRACK, date(2025, 1, 1))
    DeliverableFactory(priority=first)  # not started
    set_status(DeliverableFactory(priority=second), DeliveryStatus.COMPLETE, date(2025, 1, 1))
    DeliverableFactory(priority=second, status=Status.DRAFT)  # not counted

    rows = Deliverable.objects.published().progress_by_priority(priorities)

    counts = {row.priority.number: {c.status: c.count for c in row.counts} for row in rows}
    assert counts[1] == {"not_started": 1, "on_track": 2, "at_risk": 0, "delayed": 0, "complete": 0}
    assert counts[2]["complete"] == 1 and sum(counts[2].values()) == 1
    assert sum(counts[3].values()) == 0
    assert [row.total for row in rows] == [3, 1, 0, 0, 0, 0]


def test_a_quarter_target_reads_as_its_months():
    deliverable = DeliverableFactory(
        target_date=date(2025, 5, 17), target_precision=TargetPrecision.QUARTER
    )
    assert deliverable.target_date == date(2025, 4, 1)
    assert deliverable.target_label == "April to June 2025"
    assert deliverable.target_iso == "2025-04/2025-06"
    assert deliverable.target_end == date(2025, 6, 30)
    month = DeliverableFactory(target_date=date(2025, 12, 3))
    assert (month.target_label, month.target_iso) == ("December 2025", "2025-12")


# The deliverable page -------------------------------------------------------------


def test_the_timeline_shows_updates_and_milestones_newest_first(client):
    deliverable = DeliverableFactory()
    ProgressUpdateFactory(deliverable=deliverable, date=date(2025, 2, 1), title="February news")
    ProgressUpdateFactory(deliverable=deliverable, date=date(2025, 6, 1), title="June news")
    MilestoneFactory(deliverable=deliverable, due_on=date(2025, 4, 1), title="April step")
    MilestoneFactory(
        deliverable=deliverable,
        due_on=date(2025, 1, 1),
        completed_on=date(2025, 3, 1),
        title="Step done in March",
    )
    ProgressUpdateFactory(deliverable=deliverable, title="Draft news", status=Status.DRAFT)

    page = text_of(client.get(deliverable.get_absolute_url()))

    order = ["June news", "April step", "Step done in March", "February news"]
    assert [page.index(title) for title in order] == sorted(page.index(title) for title in order)
    assert "Draft news" not in page
    assert "done 1 March 2025" in page


def test_the_deliverable_page_links_evidence_and_says_what_changes_for_families(client):
    update = ProgressUpdateFactory(body="We **met** parents.")
    EvidenceLinkFactory(update=update, title="Board minutes", url="https://example.org/minutes")
    response = client.get(update.deliverable.get_absolute_url())
    html = response.content.decode()
    assert '<a class="govuk-link" href="https://example.org/minutes">Board minutes</a>' in html
    assert "<strong>met</strong>" in html
    assert update.deliverable.for_families in text_of(response)
    assert f'id="update-{update.pk}"' in html


def test_a_draft_deliverable_is_hidden_from_the_public_and_shown_to_staff(client, admin_client):
    deliverable = DeliverableFactory(status=Status.DRAFT)
    assert client.get(deliverable.get_absolute_url()).status_code == 404
    response = admin_client.get(deliverable.get_absolute_url())
    assert response.status_code == 200
    assert "Draft - not published" in response.content.decode()


def test_an_unpublished_deliverable_is_gone_not_missing(client):
    deliverable = DeliverableFactory()
    deliverable.status = Status.DRAFT
    deliverable.save()
    assert client.get(deliverable.get_absolute_url()).status_code == 410


# /progress/ ---------------------------------------------------------------------------


def test_without_deliverables_progress_explains_instead_of_an_empty_chart(client, priorities):
    DeliverableFactory(priority=priorities[0], status=Status.DRAFT)
    response = client.get(reverse("progress:index"))
    page = text_of(response)
    assert response.status_code == 200
    assert "The plan's deliverables will be published here" in page
    assert "“to be underpinned by a clear implementation plan”" in page
    assert "“with some defined deliverables”" in page
    assert 'class="app-chart' not in response.content.decode()
    assert "<table" not in response.content.decode()


def chart_and_table(html):
    """{priority index: {status: count}} as drawn in the chart, and as given in the table."""
    chart = html[html.index('<figure class="app-chart') : html.index("</figure>")]
    drawn = {}
    for bar in re.findall(
        r'<li class="app-chart__row" data-priority="(\d+)">(.*?)</li>', chart, re.S
    ):
        segments = re.findall(r'data-status="(\w+)" data-count="(\d+)"', bar[1])
        drawn[int(bar[0])] = {status: int(count) for status, count in segments}
    table_html = html[html.index('id="progress-table"') :]
    table_html = table_html[: table_html.index("</table>")]
    tabled = {}
    for index, row in re.findall(
        r'<tr class="govuk-table__row" data-priority="(\d+)">(.*?)</tr>', table_html, re.S
    ):
        cells = re.findall(r'data-status="(\w+)">(\d+)</td>', row)
        tabled[int(index)] = {status: int(count) for status, count in cells if int(count)}
    return drawn, tabled


def test_the_chart_and_its_table_give_the_same_numbers_as_the_data(client, priorities):
    statuses = [DeliveryStatus.ON_TRACK, DeliveryStatus.AT_RISK, DeliveryStatus.COMPLETE]
    for n in range(9):
        deliverable = DeliverableFactory(priority=priorities[n % 3])
        set_status(deliverable, statuses[n % 2 + (n // 6)], date(2025, 1, 1))
    DeliverableFactory(priority=priorities[4])

    response = client.get(reverse("progress:index"))
    html = response.content.decode()
    drawn, tabled = chart_and_table(html)

    expected = {
        index: {c.status: c.count for c in row.counts if c.count}
        for index, row in enumerate(
            Deliverable.objects.published().progress_by_priority(priorities)
        )
    }
    assert drawn == tabled == expected
    assert expected[4] == {"not_started": 1}


class SpokenText(HTMLParser):
    """The text of some HTML, without what is aria-hidden."""

    def __init__(self):
        super().__init__()
        self.hidden_depth = 0  # open elements inside an aria-hidden one, itself included
        self.text = []

    def handle_starttag(self, tag, attrs):
        if self.hidden_depth or ("aria-hidden", "true") in attrs:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        self.hidden_depth = max(self.hidden_depth - 1, 0)

    def handle_data(self, data):
        if not self.hidden_depth:
            self.text.append(data)


def spoken_text(html):
    parser = SpokenText()
    parser.feed(html)
    return " ".join("".join(parser.text).split())


def test_each_priority_s_label_and_total_are_text_in_the_chart_and_read_as_words(
    client, priorities
):
    DeliverableFactory.create_batch(5, priority=priorities[0])
    deliverable = DeliverableFactory(priority=priorities[1])
    set_status(deliverable, DeliveryStatus.AT_RISK, date(2025, 1, 1))

    html = client.get(reverse("progress:index")).content.decode()
    chart = html[html.index('<figure class="app-chart') : html.index("</figure>")]
    rows = re.findall(r'<li class="app-chart__row" data-priority="\d+">(.*?)</li>', chart, re.S)

    assert "<svg" not in chart.replace('<svg class="app-status__icon"', "")  # icons of the key
    assert len(rows) == len(priorities)
    for priority, row in zip(priorities, rows, strict=True):
        label = re.search(r'class="app-chart__label">(.*?)<', row).group(1)
        assert label == f"Priority {priority.number}: {priority.short_title}"
    totals = [re.search(r"data-total>(\d+)<", row).group(1) for row in rows]
    assert totals == ["5", "1", "0", "0", "0", "0"]
    # What a screen reader reads for each row (the drawn bar is hidden from it).
    words = [spoken_text(row) for row in rows]
    assert words[0] == f"Priority 1: {priorities[0].short_title}, 5 deliverables: 5 not started."
    assert words[1] == f"Priority 2: {priorities[1].short_title}, 1 deliverable: 1 at risk."
    assert words[2] == f"Priority 3: {priorities[2].short_title}, 0 deliverables."


def test_progress_shows_what_changed_recently_and_what_is_due_next(client, priorities):
    soon = DeliverableFactory(
        priority=priorities[0], title="Due soon", target_date=timezone.localdate()
    )
    DeliverableFactory(
        priority=priorities[1],
        title="Done already",
        target_date=timezone.localdate() + timedelta(days=40),
        starting_status=DeliveryStatus.COMPLETE,
    )
    set_status(soon, DeliveryStatus.AT_RISK, timezone.localdate(), title="Staff shortage")

    page = text_of(client.get(reverse("progress:index")))

    recent = page[page.index("What changed recently") : page.index("Due next")]
    assert "Staff shortage" in recent and "Status changed to At risk" in recent
    due = page[page.index("Due next") : page.index("Deliverables for each priority")]
    assert "Due soon" in due and "Done already" not in due


def test_every_status_is_shown_by_its_word_as_well_as_an_icon(client, priorities):
    for status in DeliveryStatus.values:
        DeliverableFactory(priority=priorities[0], starting_status=status)
    html = client.get(reverse("progress:index")).content.decode()
    for value, label in DeliveryStatus.choices:
        css = value.replace("_", "-")
        pattern = (
            rf'<span class="app-status app-status--{css}"><svg [^>]*aria-hidden="true"[^>]*>'
            rf'.*?</svg><span class="app-status__label">{label}</span>'
        )
        assert re.search(pattern, html, re.S), label


@pytest.mark.parametrize("count", [5, 200])
def test_progress_queries_stay_flat(client, priorities, django_assert_max_num_queries, count):
    deliverables = [DeliverableFactory(priority=priorities[n % 6]) for n in range(count)]
    for deliverable in deliverables[:5]:
        set_status(deliverable, DeliveryStatus.ON_TRACK, date(2025, 1, 1))
    with django_assert_max_num_queries(6):
        assert client.get(reverse("progress:index")).status_code == 200


@pytest.mark.parametrize("count", [5, 200])
def test_deliverable_page_queries_stay_flat(client, django_assert_max_num_queries, count):
    deliverable = DeliverableFactory()
    DeliverableFactory.create_batch(count, priority=deliverable.priority)
    for _ in range(count // 5):
        EvidenceLinkFactory(
            update=set_status(deliverable, DeliveryStatus.ON_TRACK, date(2025, 1, 1))
        )
        MilestoneFactory(deliverable=deliverable)
    client.get(deliverable.get_absolute_url())  # makes its short link, once (sharing.md)
    with django_assert_max_num_queries(6):
        assert client.get(deliverable.get_absolute_url()).status_code == 200


def test_progress_is_in_the_navigation_and_marked_current(client):
    html = client.get(reverse("progress:index")).content.decode()
    url = reverse("progress:index")
    assert f'href="{url}" aria-current="page"' in html
    assert reverse("progress:you-said-we-did") in html and reverse("progress:data") in html


# The priority page -----------------------------------------------------------------------


def test_the_priority_page_has_a_progress_section(client, priorities):
    priority = priorities[0]
    deliverable = DeliverableFactory(priority=priority, title="A guide to support")
    set_status(deliverable, DeliveryStatus.DELAYED, date(2025, 1, 1))
    DeliverableFactory(priority=priorities[1], title="Another priority's work")

    page = text_of(client.get(priority.get_absolute_url()))

    section = page[page.index("Deliverables for this priority") - 40 :]
    assert "A guide to support" in section and re.search(r"Delayed ?: 1", section)
    assert "Another priority's work" not in page


def test_a_priority_without_deliverables_says_so(client, priorities):
    page = text_of(client.get(priorities[0].get_absolute_url()))
    assert "deliverables for this priority have not been published yet" in page


# You said, we did --------------------------------------------------------------------------


def test_you_said_we_did_lists_entries_and_filters_by_priority(client, priorities):
    deliverable = DeliverableFactory(priority=priorities[0], title="Clearer letters")
    entry = YouSaidWeDidFactory(
        title="Letters were hard to read",
        heard_at="A co-production event",
        heard_on=date(2025, 2, 4),
        priorities=[priorities[0]],
    )
    entry.deliverables.add(deliverable)
    YouSaidWeDidFactory(title="Waiting too long", priorities=[priorities[1]])
    YouSaidWeDidFactory(title="A draft entry", status=Status.DRAFT, priorities=[priorities[0]])
    url = reverse("progress:you-said-we-did")

    everything = text_of(client.get(url))
    assert "Letters were hard to read" in everything and "Waiting too long" in everything
    assert "A draft entry" not in everything
    assert "Heard at A co-production event, 4 February 2025" in everything

    filtered = text_of(client.get(url, {"priority": priorities[0].slug}))
    assert "Letters were hard to read" in filtered and "Waiting too long" not in filtered
    assert "Clearer letters" in filtered

    unknown = client.get(url, {"priority": "no-such-priority"})
    assert unknown.status_code == 200 and "There is no priority" in text_of(unknown)

    assert client.get(entry.get_absolute_url()).status_code == 200
    assert "Letters were hard to read" in text_of(client.get(deliverable.get_absolute_url()))


# Roles -------------------------------------------------------------------------------------


def test_editors_draft_and_publishers_publish_the_plan(db):
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    publisher = set(
        Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True)
    )
    for model in ("deliverable", "progressupdate", "yousaidwedid"):
        assert {f"add_{model}", f"change_{model}"} <= editor
        assert f"publish_{model}" not in editor
        assert f"publish_{model}" in publisher
    assert "delete_milestone" in editor and "add_evidencelink" in editor


def test_an_editor_cannot_publish_a_progress_update(editor_client):
    deliverable = DeliverableFactory()
    response = editor_client.post(
        reverse("admin:progress_progressupdate_add"),
        {
            "deliverable": deliverable.pk,
            "date": "2025-03-01",
            "title": "Met the board",
            "body": "We met.",
            "new_status": "at_risk",
            "status": "published",
            "evidence_links-TOTAL_FORMS": "0",
            "evidence_links-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Only a publisher can publish" in response.content.decode()
    assert deliverable.current_status == DeliveryStatus.NOT_STARTED


@pytest.mark.parametrize("count", [5, 200])
def test_the_priority_page_progress_section_costs_one_query(
    priorities, django_assert_num_queries, count
):
    from progress.templatetags.progress_tags import priority_progress

    for n in range(count):
        DeliverableFactory(priority=priorities[n % 2])
    with django_assert_num_queries(1):
        row = priority_progress(priorities[0])
        assert sum(count.count for count in row.counts) == (count + 1) // 2


def test_the_sitemap_lists_the_progress_pages_and_published_deliverables_only(client):
    published = DeliverableFactory()
    draft = DeliverableFactory(status=Status.DRAFT)
    entry = YouSaidWeDidFactory()

    xml = client.get(reverse("sitemap")).content.decode()

    for url in (
        reverse("progress:index"),
        reverse("progress:you-said-we-did"),
        reverse("progress:data"),
        published.get_absolute_url(),
        entry.get_absolute_url(),
    ):
        assert f"{url}</loc>" in xml
    assert draft.get_absolute_url() not in xml


@pytest.mark.parametrize("kind", ["deliverable", "you-said-we-did"])
def test_a_preview_link_shows_a_draft_as_its_page_will_look(client, kind):
    from publishing.models import PreviewLink

    if kind == "deliverable":
        item = DeliverableFactory(status=Status.DRAFT, title="A draft deliverable")
        ProgressUpdateFactory(deliverable=item, title="Its first update")
        expected = "Its first update"
    else:
        item = YouSaidWeDidFactory(status=Status.DRAFT, title="A draft entry")
        expected = "A draft entry"
    link = PreviewLink.objects.create(item=item, expires_at=timezone.now() + timedelta(days=1))

    response = client.get(link.get_absolute_url())

    assert response.status_code == 200
    assert expected in text_of(response) and "private preview" in text_of(response)


def test_with_the_real_content_progress_is_honest_that_nothing_is_published_yet(
    client, real_content
):
    from priorities.models import Priority

    response = client.get(reverse("progress:index"))
    page = text_of(response)

    assert "with oversight by the Local Area SEND and AP Board" in page
    assert "None has been published yet, so there is no progress to show." in page
    assert 'role="img"' not in response.content.decode()
    for priority in Priority.objects.all():
        page = text_of(client.get(priority.get_absolute_url()))
        assert "deliverables for this priority have not been published yet" in page


CHART_TEXT = """() => [...document.querySelectorAll(
    '.app-chart__label, .app-chart__total, .app-chart__number')]
  .filter(element => element.getClientRects().length > 0)
  .map(element => {
    const box = element.getBoundingClientRect();
    const segment = element.closest('.app-chart__segment')?.getBoundingClientRect();
    return {
      kind: element.className.split(' ')[0].replace('app-chart__', ''),
      text: element.textContent.trim(),
      size: parseFloat(getComputedStyle(element).fontSize),
      inSvg: element.closest('svg') !== null,
      left: box.left, right: box.right,
      fitsSegment: !segment || (box.left >= segment.left && box.right <= segment.right),
    };
  })"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_chart_s_words_and_numbers_stay_body_size_and_fit(
    live_server, browser, priorities
):
    for n, priority in enumerate(priorities):
        for status in DeliveryStatus.values[: n % 5 + 1]:
            DeliverableFactory(priority=priority, starting_status=status)
    DeliverableFactory.create_batch(
        11, priority=priorities[0], starting_status=DeliveryStatus.ON_TRACK
    )
    context = browser.new_context(viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("progress:index"))

        text = page.evaluate(CHART_TEXT)
        kinds = {item["kind"] for item in text}
        assert kinds == {"label", "total", "number"}, "labels, totals and some numbers show"
        assert [item for item in text if item["size"] < 16 or item["inSvg"]] == []
        assert sum(item["kind"] == "label" for item in text) == len(priorities)
        assert [item["text"] for item in text if item["kind"] == "number"].count("11") == 1
        assert [item for item in text if not item["fitsSegment"]] == [], "a clipped number"

        overflow = "document.documentElement.scrollWidth - window.innerWidth"
        page.set_viewport_size({"width": 320, "height": 640})
        assert page.evaluate(overflow) <= 0, "sideways scrolling at 320 px"
        assert [item for item in page.evaluate(CHART_TEXT) if item["right"] > 320] == []

        # Text at 200% (as a browser's font size setting does: GOV.UK sizes text in rem).
        page.set_viewport_size({"width": 375, "height": 800})
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        text = page.evaluate(CHART_TEXT)
        assert min(item["size"] for item in text if item["kind"] != "number") >= 32
        assert [item for item in text if item["right"] > 375 or item["left"] < 0] == []
        assert [item for item in text if not item["fitsSegment"]] == [], "a clipped number"
    finally:
        context.close()
