"""'Was this page useful?': the form on every page, the endpoint that takes the answers
without a cookie, and the admin where staff read and export them."""

import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from feedback.models import COMMENT_MAX_LENGTH, PageFeedback
from feedback.protection import RATE_LIMIT, rate_limit_key
from news.models import PressRelease
from publishing.models import PreviewLink, Status
from ratelimits.models import RequestCount
from strategy_site.settings import cache_config
from tests import payloads
from tests.factories import PageFeedbackFactory, PressReleaseFactory
from tests.html_page import Page
from tests.test_faults import spare_port
from tests.test_pages import mistyped_url, public_urls

SITE = "http://testserver"  # the Django test client's own origin


def send(client, origin=SITE, **fields):
    data = {"page_path": "/news/", "page_title": "News", "useful": "yes", "comment": ""}
    data.update(fields)
    headers = {"origin": origin} if origin else {}
    return client.post(reverse("feedback:submit"), data, headers=headers)


def feedback_form(response):
    """The feedback form on a page, as {field name: value}, or None if there is none."""
    page = Page.of(response)
    forms = page.find_all("form", action=reverse("feedback:submit"))
    if not forms:
        return None
    [form] = forms
    return {
        element.attrs.get("name"): element.attrs.get("value", element.text)
        for element in page.inside(form)
        if element.tag in ("input", "textarea") and element.attrs.get("name")
    }


# The form on every page -----------------------------------------------------------------


def every_public_page():
    return [
        *public_urls(),
        reverse("search") + "?q=strategy",
        reverse("accessibility:statement"),
        reverse("accessibility:formats"),
        reverse("helpcontacts:index"),
        reverse("glossary:index"),
        reverse("progress:index"),
        reverse("progress:you-said-we-did"),
        reverse("progress:data"),
    ]


def test_every_public_page_carries_the_form_for_itself_and_sets_no_cookie(client, real_content):
    for url in every_public_page():
        response = client.get(url)

        form = feedback_form(response)
        assert form is not None, url
        assert form["page_path"] == url.split("?")[0], url  # never the query string
        assert form["page_title"] == Page.of(response).title.rsplit(" - ", 1)[0], url
        assert set(form) == {"page_path", "page_title", "comment", "website"}
        assert not response.cookies, f"{url} set {list(response.cookies)}"


def test_the_form_asks_the_question_and_warns_against_personal_details(client, real_content):
    page = Page.of(client.get(reverse("home")))

    assert "Was this page useful?" in page.texts("h2")
    assert page.texts("button")[-2:] == [
        "Yes this page was useful",
        "No this page was not useful",
    ]
    assert (
        "Do not include personal information such as your name, email address or "
        "your child's details." in page.text
    )
    assert "You can enter up to 1,200 characters" in page.text


def test_the_honeypot_is_labelled_out_of_the_tab_order_and_never_autofilled(client, db):
    page = Page.of(client.get(reverse("accessibility:statement")))

    [trap] = page.find_all("input", name="website")
    assert trap.attrs["tabindex"] == "-1"
    assert trap.attrs["autocomplete"] == "off"
    [label] = page.find_all("label", **{"for": trap.attrs["id"]})
    assert label.text == "Leave this empty"
    assert "app-page-feedback__trap" in trap.parents[-1].attrs["class"]


def test_a_page_that_is_not_found_still_asks(client, db):
    response = client.get(mistyped_url())

    assert response.status_code == 404
    assert feedback_form(response)["page_path"] == mistyped_url()


def test_an_address_with_odd_characters_is_sent_percent_encoded(client, db):
    response = client.get("/news/caf%C3%A9%3Fx%23y/")

    assert feedback_form(response)["page_path"] == "/news/caf%C3%A9%3Fx%23y/"


def test_the_form_is_not_on_the_admin_or_a_private_preview(staff_client, db):
    assert feedback_form(staff_client.get(reverse("admin:index"))) is None
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    link = PreviewLink.objects.create(item=item)

    preview = Client().get(reverse("preview", args=[link.token]))

    assert preview.status_code == 200
    assert feedback_form(preview) is None  # its address holds the secret token


def test_the_error_page_renders_without_a_request_and_leaves_the_form_off(db):
    html = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in html
    assert "Was this page useful?" not in html


# Sending an answer ----------------------------------------------------------------------


def test_yes_is_kept_with_the_page_and_its_title_and_nothing_about_the_visitor(client, db):
    response = send(client, page_path="/news/", page_title="News", useful="yes")

    assert response.status_code == 303
    assert not response.cookies
    [answer] = PageFeedback.objects.all()
    assert (answer.page_path, answer.page_title, answer.useful, answer.comment) == (
        "/news/",
        "News",
        True,
        "",
    )
    assert {field.name for field in PageFeedback._meta.fields} == {
        "id",
        "page_path",
        "page_title",
        "useful",
        "comment",
        "created_at",
    }


def test_no_with_a_comment_is_kept_and_the_thank_you_page_links_straight_back(client, db):
    response = send(client, page_path="/priorities/", useful="no", comment="  Too long.  ")

    answer = PageFeedback.objects.get()
    assert (answer.useful, answer.comment) == (False, "Too long.")
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    assert not thanks.cookies
    page = Page.of(thanks)
    assert page.texts("h1") == ["Thank you for your feedback"]
    [back] = [link for link in page.find_all("a") if link.text == "Go back to the page you were on"]
    assert back.attrs["href"] == "/priorities/"
    assert feedback_form(thanks) is None  # not asked again about the thank-you page


def test_a_title_too_long_is_cut_rather_than_refused(client, db):
    send(client, page_title="Long " * 100)

    assert len(PageFeedback.objects.get().page_title) == 200


def test_a_comment_of_exactly_the_limit_is_kept_counting_a_line_break_as_one(client, db):
    comment = ("a" * 99 + "\r\n") * (COMMENT_MAX_LENGTH // 100)
    assert len(comment.replace("\r\n", "\n")) == COMMENT_MAX_LENGTH

    assert send(client, comment=comment).status_code == 303

    assert PageFeedback.objects.get().comment == comment.replace("\r\n", "\n").strip()


def test_a_comment_over_the_limit_is_refused_with_the_limit_and_kept_for_editing(client, db):
    comment = "a" * (COMMENT_MAX_LENGTH + 1)

    response = send(client, comment=comment)

    assert response.status_code == 400
    assert not response.cookies
    assert not PageFeedback.objects.exists()
    page = Page.of(response)
    assert "Your comment must be 1,200 characters or fewer. It has 1,201 characters." in page.text
    assert feedback_form(response)["comment"] == comment  # not lost: cut it and send again
    assert "/news/" in page.hrefs  # and a way back


@pytest.mark.parametrize("useful", ["", "maybe", "1", "YES"])
def test_an_answer_without_yes_or_no_is_refused_and_says_why(client, db, useful):
    response = send(client, useful=useful)

    assert response.status_code == 400
    assert "Choose Yes or No" in Page.of(response).text
    assert not PageFeedback.objects.exists()


def test_a_filled_in_honeypot_looks_like_success_and_keeps_nothing(client, db):
    response = send(client, website="http://spam.example/", comment="Buy now")

    assert response.status_code == 303
    assert response.headers["Location"] == reverse("feedback:thanks") + "?page=%2Fnews%2F"
    assert not PageFeedback.objects.exists()


def test_a_get_is_answered_with_a_friendly_page_not_a_form(client, db):
    response = client.get(reverse("feedback:submit"))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Was this page useful?" in Page.of(response).text
    assert not response.cookies


@pytest.mark.parametrize("method", ["put", "delete", "patch", "head"])
def test_other_methods_are_not_allowed(client, db, method):
    assert getattr(client, method)(reverse("feedback:submit")).status_code == 405


# Forged and flooded answers -------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},  # neither Origin nor Referer
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"origin": "http://testserver.evil.example"},
        {"origin": "https://testserver"},  # another scheme is another origin
        {"origin": "http://testserver:8080"},
        {"origin": "https://evil.example", "referer": f"{SITE}/news/"},
        {"referer": "https://evil.example/news/"},
        {"referer": "/news/"},
        {"referer": "testserver/news/"},
        {"referer": "javascript:alert(1)"},
        {"referer": "http://[::1"},
    ],
)
def test_an_answer_from_another_site_or_from_nowhere_is_refused(client, db, headers):
    response = client.post(
        reverse("feedback:submit"), {"page_path": "/news/", "useful": "yes"}, headers=headers
    )

    assert response.status_code == 403
    assert not response.cookies
    assert not PageFeedback.objects.exists()
    page = Page.of(response)
    assert "could not tell that your answer came from a page on this site" in page.text
    assert "/news/" in page.hrefs


def test_a_browser_that_sends_only_a_referer_from_this_site_is_heard(client, db):
    response = client.post(
        reverse("feedback:submit"),
        {"page_path": "/news/", "useful": "yes"},
        headers={"referer": f"{SITE}/news/?page=2"},
    )

    assert response.status_code == 303
    assert PageFeedback.objects.count() == 1


def test_csrf_trusted_origins_are_this_site_too(client, db, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://send.example.gov.uk", "https://*.wiltshire.example"]

    assert send(client, origin="https://send.example.gov.uk").status_code == 303
    assert send(client, origin="https://www.wiltshire.example").status_code == 303
    assert send(client, origin="http://www.wiltshire.example").status_code == 403
    assert send(client, origin="https://wiltshire.example.evil.example").status_code == 403
    assert PageFeedback.objects.count() == 2


def test_behind_https_the_origin_must_be_https(client, db, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = reverse("feedback:submit")
    data = {"page_path": "/news/", "useful": "yes"}

    behind_https = {"host": "testserver", "x-forwarded-proto": "https"}

    refused = client.post(url, data, headers={"origin": SITE, **behind_https})
    kept = client.post(url, data, headers={"origin": "https://testserver", **behind_https})

    assert (refused.status_code, kept.status_code) == (403, 303)


def test_a_client_is_stopped_after_ten_answers_and_others_are_not(client, db):
    for _ in range(RATE_LIMIT):
        assert send(client).status_code == 303

    stopped = send(client)

    assert stopped.status_code == 429
    assert not stopped.cookies
    assert stopped["Retry-After"] == "600"
    assert "try again in 10 minutes" in Page.of(stopped).text
    assert PageFeedback.objects.count() == RATE_LIMIT
    neighbour = Client(REMOTE_ADDR="192.0.2.7")
    assert send(neighbour).status_code == 303
    assert PageFeedback.objects.count() == RATE_LIMIT + 1


def test_the_limit_lifts_after_ten_minutes(client, db):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(RATE_LIMIT + 1):
            send(client)
        traveller.shift(timedelta(minutes=10, seconds=1))

        assert send(client).status_code == 303


def test_an_address_is_forgotten_once_its_ten_minutes_are_over(client, db):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        send(client)
        traveller.shift(timedelta(minutes=10, seconds=1))
        send(Client(REMOTE_ADDR="192.0.2.7"))

        assert RequestCount.objects.count() == 1  # the neighbour's count only


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the tests' SQLite database is in memory, where threads cannot write at once",
)
def test_answers_sent_at_the_same_moment_are_each_counted(transactional_db):
    def answer(_):
        try:
            return send(Client()).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(answer, range(RATE_LIMIT + 6)))

    assert sorted(statuses) == [303] * RATE_LIMIT + [429] * 6
    assert PageFeedback.objects.count() == RATE_LIMIT


def test_with_redis_down_the_limit_still_holds(client, db, settings):
    settings.CACHES = {"default": cache_config(f"redis://127.0.0.1:{spare_port()}/0")}

    for _ in range(RATE_LIMIT):
        assert send(client).status_code == 303

    assert send(client).status_code == 429


def test_the_rate_limit_never_keeps_the_address_itself():
    request = RequestFactory().post("/feedback/", REMOTE_ADDR="203.0.113.9")

    key = rate_limit_key(request)

    assert "203.0.113.9" not in key
    assert key != rate_limit_key(RequestFactory().post("/feedback/", REMOTE_ADDR="203.0.113.10"))


def test_a_forged_answer_does_not_count_against_the_visitor(client, db):
    for _ in range(RATE_LIMIT + 5):
        send(client, origin="https://evil.example")

    assert send(client).status_code == 303


# Hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "",
        "news/",
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\tevil",
        "javascript:alert(1)",
        "/news/?next=https://evil.example/",
        "/news/#top",
        "/caf\u00e9/",
        "/news/\x00",
        "/news/\r\nSet-Cookie: evil=1",
        "/" + "a" * 600,
    ],
)
def test_only_a_path_on_this_site_is_kept_or_linked_back_to(client, db, path):
    response = send(client, page_path=path)

    assert response.status_code == 400
    assert not PageFeedback.objects.exists()
    page = Page.of(response)
    assert "We could not tell which page you were on." in page.text
    assert page.find_all("a", href="/")  # the home page, never the path sent


@pytest.mark.parametrize("page", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_the_thank_you_page_never_links_off_the_site(client, db, page):
    response = client.get(reverse("feedback:thanks"), {"page": page})

    assert response.status_code == 200
    hrefs = Page.of(response).hrefs
    assert page not in hrefs
    assert "Go to the home page" in Page.of(response).text


@pytest.mark.parametrize("segment", payloads.PATH_SEGMENTS)
def test_pages_with_hostile_addresses_carry_a_form_that_posts_safely(client, db, segment):
    url = f"/news/{segment}/"
    form = feedback_form(client.get(url))

    response = send(client, page_path=form["page_path"], page_title=form["page_title"])

    assert response.status_code in (303, 400)


def test_markup_typed_in_is_kept_as_typed_and_shown_escaped_to_staff(client, staff_client, db):
    statuses = set()
    for payload in payloads.MARKUP_PAYLOADS:
        RequestCount.objects.all().delete()  # not a flood: every payload is heard
        statuses.add(send(client, comment=payload, page_title=payload).status_code)

    assert statuses == {303, 400}  # 400: the NUL character, refused
    assert PageFeedback.objects.filter(comment="<script>alert(1)</script>").exists()
    answers = PageFeedback.objects.all()
    pages = [staff_client.get(reverse("admin:feedback_pagefeedback_changelist"))]
    pages += [
        staff_client.get(reverse("admin:feedback_pagefeedback_change", args=[answer.pk]))
        for answer in answers.filter(comment__contains="<")[:20]
    ]
    pages.append(staff_client.get(reverse("admin:feedback_pagefeedback_summary")))
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert(1)" not in html
        assert "<img src=x onerror" not in html
        assert "<svg onload" not in html


def test_too_much_data_is_refused_politely(client, db):
    fields = {f"f{n}": "1" for n in range(1_500)}

    response = client.post(reverse("feedback:submit"), fields, headers={"origin": SITE})

    assert response.status_code == 400
    assert "too big" in Page.of(response).text
    assert not PageFeedback.objects.exists()


# The admin ------------------------------------------------------------------------------


def changelist():
    return reverse("admin:feedback_pagefeedback_changelist")


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="page-feedback-')
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8's byte order mark, for Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_staff_read_the_answers_newest_first(staff_client, db):
    PageFeedbackFactory(page_path="/news/", page_title="News", useful=False, comment="Hard to find")
    PageFeedbackFactory(page_path="/priorities/", page_title="Priorities", useful=True)

    page = Page.of(staff_client.get(changelist()))

    [table] = page.find_all("table", id="result_list")
    rows = [row.text for row in page.inside(table) if row.tag == "tr"][1:]
    assert "Priorities (/priorities/)" in rows[0]
    assert "News (/news/)" in rows[1] and "Hard to find" in rows[1]


def test_the_public_and_staff_without_the_role_cannot_read_them(client, django_user_model, db):
    PageFeedbackFactory()
    assert client.get(changelist()).status_code == 302  # to the sign-in page
    assert client.get(reverse("admin:feedback_pagefeedback_export")).status_code == 302
    nobody = django_user_model.objects.create_user("nobody", password="x", is_staff=True)
    client.force_login(nobody)

    assert client.get(changelist()).status_code == 403
    assert client.get(reverse("admin:feedback_pagefeedback_export")).status_code == 403
    assert client.get(reverse("admin:feedback_pagefeedback_summary")).status_code == 403


@pytest.mark.parametrize("role", ["Editor", "Publisher"])
def test_editors_and_publishers_read_and_export_but_never_change_or_delete(
    django_user_model, db, role
):
    from tests.conftest import client_in_role

    answer = PageFeedbackFactory(comment="What a visitor said")
    team = client_in_role(django_user_model, role)
    change_url = reverse("admin:feedback_pagefeedback_change", args=[answer.pk])

    assert team.get(changelist()).status_code == 200
    assert "What a visitor said" in team.get(change_url).content.decode()
    assert len(read_csv(team.get(reverse("admin:feedback_pagefeedback_export")))) == 2
    changed = team.post(change_url, {"comment": "Changed", "useful": "on", "page_path": "/x/"})
    assert changed.status_code == 403
    assert PageFeedback.objects.get().comment == "What a visitor said"
    assert team.get(reverse("admin:feedback_pagefeedback_add")).status_code == 403
    assert (
        team.get(reverse("admin:feedback_pagefeedback_delete", args=[answer.pk])).status_code == 403
    )
    assert set(Group.objects.get(name=role).permissions.filter(
        content_type__app_label="feedback"
    ).values_list("codename", flat=True)) == {"view_pagefeedback"}  # fmt: skip


def test_an_administrator_deletes_an_answer(staff_client, db):
    answer = PageFeedbackFactory(comment="My name is on this")

    staff_client.post(
        reverse("admin:feedback_pagefeedback_delete", args=[answer.pk]), {"post": "yes"}
    )

    assert not PageFeedback.objects.exists()


def test_export_of_selected_answers_is_csv_excel_reads_with_formulae_defused(staff_client, db):
    chosen = PageFeedbackFactory(
        page_path="/news/",
        page_title="=cmd|' /C calc'!A0",
        useful=False,
        comment='=HYPERLINK("https://evil.example","Click")',
    )
    PageFeedbackFactory(comment="@SUM(1+1)")
    PageFeedbackFactory(comment="Not chosen")
    awkward = "-2+3 \u00e9t\u00e9, \u201cquoted\u201d,\nnew line"
    minus = PageFeedbackFactory(comment=awkward)

    response = staff_client.post(
        changelist(), {"action": "export_selected", "_selected_action": [chosen.pk, minus.pk]}
    )

    rows = read_csv(response)
    assert rows[0] == ["Sent at", "Page", "Page title", "Useful", "Comment"]
    assert [row[1:] for row in rows[1:]] == [
        ["/news/", "'=cmd|' /C calc'!A0", "No", "'=HYPERLINK(\"https://evil.example\",\"Click\")"],
        [minus.page_path, minus.page_title, "Yes", f"'{awkward}"],
    ]  # fmt: skip
    sent_at = rows[1][0]
    assert sent_at == timezone.localtime(chosen.created_at).isoformat(timespec="seconds")
    assert sent_at[10] == "T" and sent_at[-6] in "+-"  # ISO 8601 with the UTC offset


def test_export_of_the_filtered_list_follows_its_filters_and_search(staff_client, db):
    PageFeedbackFactory(page_path="/news/", useful=True, comment="Clear")
    PageFeedbackFactory(page_path="/news/", useful=False, comment="Confusing words")
    PageFeedbackFactory(page_path="/priorities/", useful=False, comment="Confusing layout")
    PageFeedbackFactory(page_path="/priorities/", useful=False, comment="Fine")
    export = reverse("admin:feedback_pagefeedback_export")

    everything = read_csv(staff_client.get(export))
    not_useful = read_csv(staff_client.get(export, {"useful__exact": "0"}))
    searched = read_csv(staff_client.get(export, {"useful__exact": "0", "q": "confusing"}))

    assert len(everything) == 5
    assert len(not_useful) == 4
    assert sorted(row[4] for row in searched[1:]) == ["Confusing layout", "Confusing words"]
    list_page = staff_client.get(changelist(), {"useful__exact": "0"}).content.decode()
    assert f'href="{export}?useful__exact=0"' in list_page


def test_a_broken_filter_in_the_export_address_goes_back_to_the_list(staff_client, db):
    response = staff_client.get(reverse("admin:feedback_pagefeedback_export"), {"nope": "1"})

    assert response.status_code == 302
    assert response["Location"] == changelist()


def test_the_summary_counts_yes_and_no_per_page(staff_client, db):
    PageFeedbackFactory.create_batch(3, page_path="/news/", page_title="News", useful=True)
    PageFeedbackFactory(page_path="/news/", page_title="News", useful=False, comment="Old")
    PageFeedbackFactory(page_path="/priorities/", page_title="Priorities", useful=False)

    page = Page.of(staff_client.get(reverse("admin:feedback_pagefeedback_summary")))

    [table] = page.find_all("table", id="answers-per-page")
    rows = [[cell.text for cell in page.inside(row) if cell.tag in ("th", "td")]
            for row in page.inside(table) if row.tag == "tr"][1:]  # fmt: skip
    assert [row[:5] for row in rows] == [
        ["News (/news/)", "3", "1", "4", "1"],
        ["Priorities (/priorities/)", "0", "1", "1", "0"],
    ]
    [news_link] = [a for a in page.inside(table) if a.tag == "a" and a.text == "News (/news/)"]
    answers_about_news = staff_client.get(news_link.attrs["href"])
    assert answers_about_news.status_code == 200
    assert "4 page feedback" in Page.of(answers_about_news).text


def test_answers_are_listed_by_date_with_filters_and_search(staff_client, db):
    PageFeedbackFactory(comment="Found what I needed")
    html = staff_client.get(changelist(), {"q": "needed"}).content.decode()

    assert "Found what I needed" in html
    assert "By useful?" in html
    assert "By sent at" in html
    assert '<nav class="toplinks">' in html  # the date hierarchy: years, months, days


# In a real browser, with JavaScript off ----------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_without_javascript_answers_and_goes_back(live_server, browser, real_content):
    item = PressRelease.objects.first()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + item.get_absolute_url())

    page.get_by_text("Add a comment (optional)").click()
    page.get_by_label("Tell us what was useful or what was missing").fill("Clear, thank you.")
    page.get_by_role("button", name=re.compile("^No")).click()

    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your feedback"
    answer = PageFeedback.objects.get()
    assert (answer.page_path, answer.useful, answer.comment) == (
        item.get_absolute_url(),
        False,
        "Clear, thank you.",
    )
    assert answer.page_title == item.title
    assert context.cookies() == []
    page.get_by_role("link", name="Go back to the page you were on").click()
    assert page.url == live_server.url + item.get_absolute_url()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_open_form_and_the_problem_page_pass_axe(live_server, browser, real_content):
    from tests.test_accessibility import SCREENSHOTS, axe_violations

    context = browser.new_context(bypass_csp=True, viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + reverse("news:index"))
    page.get_by_text("Add a comment (optional)").click()
    box = page.get_by_label("Tell us what was useful or what was missing")
    box.fill("a" * (COMMENT_MAX_LENGTH + 1))
    assert "You have 1 character too many" in page.text_content(".app-page-feedback")
    open_form = axe_violations(page)

    page.get_by_role("button", name=re.compile("^Yes")).click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your answer has not been sent"
    assert page.get_by_label("Tell us what was useful or what was missing").input_value() == (
        "a" * (COMMENT_MAX_LENGTH + 1)
    )
    assert (open_form, axe_violations(page)) == ([], [])
    assert not PageFeedback.objects.exists()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "feedback-problem-375.png", full_page=True)
    context.close()
