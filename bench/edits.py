"""
The "edits under load" scenario of `make bench`: wrk loads the site (page cache on)
at 64 connections across the page types, while an editor saves an item every 2
seconds. It reports the non-2xx answers, p50 and p99, and how long after each save
responses could still show the text from before it (staleness).

Three parts, so each can be checked on its own:

- the editor, run inside Django against the bench database (`edit_item`): it changes
  the news detail page's item's title to carry the edit's number ("(Bench edit 7)"),
  saves it through the ORM as the admin does, prints when each save returned, and puts
  the title back at the end;
- the observers, one thread per page on its own connection next to wrk's, noting for
  every response when it was asked for and which edit it showed (`observe`);
- `staleness`, which works out from both how long each edit took to show everywhere.
"""

import http.client
import json
import re
import statistics
import sys
import threading
import time

EDIT = re.compile(r" \(Bench edit (\d+)\)")


def titled(title, number):
    """`title` carrying edit `number` in place of any earlier one."""
    return f"{EDIT.sub('', title)} (Bench edit {number})"


def edit_shown(body):
    """The number of the edit a page shows, or None when it shows none (or the item)."""
    found = EDIT.search(body.decode("utf-8", "replace"))
    return int(found.group(1)) if found else None


# The editor (inside Django) ----------------------------------------------------------


def edit_item(path, every, count, *, wait_for_go=True, out=None):
    """Save the item at `path` `count` times, one save every `every` seconds, the first
    half a period after a line ("go") is read from stdin; print `BENCH_EDIT {...}` when
    each save has returned (committed, and every server told). The title is put back
    once another line ("stop") is read, when nobody is looking any more."""
    from django.urls import resolve

    from news.models import PressRelease

    out = out or sys.stdout
    item = PressRelease.objects.get(slug=resolve(path).kwargs["slug"])
    original = item.title
    print("BENCH_READY", file=out, flush=True)
    if wait_for_go:
        sys.stdin.readline()
    started = time.time()
    try:
        for number in range(1, count + 1):
            time.sleep(max(0.0, started + (number - 0.5) * every - time.time()))
            item.title = titled(original, number)
            item.save()
            saved = {"number": number, "saved": time.time()}
            print("BENCH_EDIT " + json.dumps(saved), file=out, flush=True)
        if wait_for_go:
            sys.stdin.readline()
    finally:
        item.title = original
        item.save()


def edits_printed(output):
    """The edits an editor printed, in order."""
    return [
        json.loads(line.removeprefix("BENCH_EDIT "))
        for line in output.splitlines()
        if line.startswith("BENCH_EDIT ")
    ]


# The observers (next to the load) ----------------------------------------------------


def observe(port, path, stop, seen):
    """Ask for `path` again and again until `stop` is set, appending to `seen`
    (started, status, edit shown) for each response."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        started = time.time()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            time.sleep(0.01)  # a server that refuses does not get a tight loop
            continue
        seen.append((started, response.status, edit_shown(body)))
        if response.will_close:
            connection.close()
    connection.close()


def start_observers(port, pages, stop):
    """One thread per page, until `stop` is set; returns (stop, threads, {page name:
    responses})."""
    seen = {page["name"]: [] for page in pages}
    threads = [
        threading.Thread(target=observe, args=(port, page["path"], stop, seen[page["name"]]))
        for page in pages
    ]
    for thread in threads:
        thread.start()
    return stop, threads, seen


# Staleness ---------------------------------------------------------------------------


def staleness(edits, seen):
    """How long each edit took to show in every response.

    For each edit, on each page that ever showed an edit: the responses asked for after
    the save returned that still showed an older edit are stale; the edit has shown
    everywhere from the moment the first fresh response after the last stale one was
    asked for. The edit's staleness is the longest of these times over the pages (0
    when no response was stale). Returns {"edits", "stale responses", "per edit" (ms),
    "max ms", "median ms"}.
    """
    showing = {name: sorted(responses) for name, responses in seen.items()}
    showing = {
        name: [r for r in responses if r[1] == 200]
        for name, responses in showing.items()
        if any(r[2] is not None for r in responses)
    }
    per_edit = []
    for edit in edits:
        worst = 0.0
        for responses in showing.values():
            after = [r for r in responses if r[0] >= edit["saved"]]
            stale = [i for i, r in enumerate(after) if r[2] is None or r[2] < edit["number"]]
            if stale:
                last = stale[-1]
                fresh_from = after[last + 1][0] if last + 1 < len(after) else after[last][0]
                worst = max(worst, fresh_from - edit["saved"])
        per_edit.append(round(worst * 1000, 1))
    # A response is stale when it shows less than the last edit saved before it was asked.
    saves = sorted((edit["saved"], edit["number"]) for edit in edits)
    stale_count = 0
    for responses in showing.values():
        for started, _status, shown in responses:
            latest = max((number for saved, number in saves if saved <= started), default=None)
            stale_count += latest is not None and (shown is None or shown < latest)
    return {
        "edits": len(edits),
        "pages": sorted(showing),
        "stale responses": stale_count,
        "per edit ms": per_edit,
        "max ms": max(per_edit, default=None),
        "median ms": statistics.median(per_edit) if per_edit else None,
    }
