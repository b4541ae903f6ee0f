"""The site as gunicorn serves it, for tests/test_nginx.py, with two things added.

- It counts the requests that reach it, by path; `GET /__seen__`, asked of gunicorn
  directly (never through nginx), answers the counts as JSON. A request nginx answered
  from its proxy cache is not counted.
- A request carrying `X-Test-Together: <name>` waits, before the site answers it, for
  a second request of the same name, and its answer says whether that one arrived
  (`X-Test-Met: yes` or `no`). Two requests nginx passes on at once meet; two that nginx
  queues one behind the other (a proxy cache lock) cannot, as the first is held here
  until it gives up waiting.

gunicorn runs it with one gthread worker, so every request shares the counts and the
meeting places.
"""

import json
import threading
from collections import Counter

from strategy_site.wsgi import application as site

# Long enough for two requests sent at once to arrive together on a busy machine;
# shorter than the 5 seconds nginx keeps a request waiting for the one ahead of it
# under a proxy cache lock (proxy_cache_lock_timeout's default), so a queued second
# request arrives only after the first has given up.
MEETING_WAIT = 3

seen = Counter()
meetings = {}
guard = threading.Lock()


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/__seen__":
        with guard:
            body = json.dumps(seen).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]
    with guard:
        seen[path] += 1
    name = environ.get("HTTP_X_TEST_TOGETHER")
    if not name:
        return site(environ, start_response)

    with guard:
        meeting = meetings.setdefault(name, threading.Barrier(2))
    try:
        meeting.wait(timeout=MEETING_WAIT)
        met = "yes"
    except threading.BrokenBarrierError:
        met = "no"

    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Test-Met", met)], exc_info)

    return site(environ, start)
