"""Screenshots of changes prepared to a live page, for the docs:
docs/screenshots/prepared-*.png.

An Editor, Sam, opens the live press release, rewrites its standfirst in plainer words
(the same facts) and asks a publisher to publish the change. The public page stays as
it was; the preview shows the prepared version; the comparison shows what changed; the
Publisher, Alex, sees the box on the press release and opens "Review and publish".
Everything runs for real (tools/journey.py): `runserver` on a throwaway SQLite database
with the real content, Debian's chromium; no emails are read, so no `db_worker`. Sam
and Alex are test users.

    .venv/bin/python tools/prepared_journey.py [--port 8415] [--out docs/screenshots]
"""

from journey import DESKTOP, TEST_USERS, command_line, log_in, running_site, saved

PLAINER = (
    "Wiltshire Council and its partners have agreed a plan for how they will work with "
    "families, children and young people with special educational needs and "
    "disabilities (SEND) for the next five years."
)
# Words of it the glossary does not mark (it marks "SEND"), to find on the page.
FRAGMENT = "have agreed a plan for how they will work with"

# The live press release the story changes: its admin change URL and its public URL.
SET_UP = (
    TEST_USERS
    + """
import json
from django.urls import reverse
from news.models import PressRelease

item = PressRelease.objects.published().order_by("pk").first()
print(json.dumps([reverse("admin:news_pressrelease_change", args=[item.pk]),
                  item.get_absolute_url()]))
"""
)


def main():
    options = command_line(__doc__, port=8415)
    out = options.out
    with running_site(options.port, out, worker=False, set_up=SET_UP) as site:
        change_url, public_url = site.set_up

        # Sam changes the live press release and asks for it to be published.
        sam = log_in(site, "sam")
        sam.goto(site.url + change_url)
        sam.locator("#id_standfirst").fill(PLAINER)
        sam.get_by_label("Ask a publisher to publish these changes").check()
        sam.locator("input[name=_save]").first.click()
        sam.wait_for_load_state()
        saved(sam)
        sam.screenshot(
            path=str(out / "prepared-1-editor-form.png"),
            clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": 620},
        )

        # The public still sees the live page; the preview shows the prepared one.
        public = site.browser.new_page(viewport={"width": 800, "height": 700})
        public.goto(site.url + public_url)
        if FRAGMENT in public.inner_text("main"):
            raise SystemExit("The public page shows the prepared changes")
        public.screenshot(path=str(out / "prepared-2-public-page-unchanged.png"))
        with sam.expect_popup() as popup:
            sam.get_by_role("link", name="Preview the prepared changes").click()
        preview = popup.value
        preview.set_viewport_size({"width": 800, "height": 700})
        preview.wait_for_load_state()
        preview.screenshot(path=str(out / "prepared-3-preview.png"))

        sam.get_by_role("link", name="Compare them with the live page").click()
        sam.wait_for_load_state()
        sam.screenshot(
            path=str(out / "prepared-4-compare.png"),
            clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": 620},
        )

        # Alex sees the box on the press release and opens the publishing form.
        alex = log_in(site, "alex")
        alex.goto(site.url + change_url)
        alex.get_by_role("link", name="Review and publish them").click()
        alex.wait_for_load_state()
        alex.screenshot(
            path=str(out / "prepared-5-publisher-form.png"),
            clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": 620},
        )
        alex.locator("input[name=_save]").first.click()
        alex.wait_for_load_state()
        saved(alex)
        # A new visitor: this browser may keep the page for PAGE_MAX_AGE seconds.
        public = site.browser.new_context().new_page()
        public.goto(site.url + public_url)
        if FRAGMENT not in public.inner_text("main"):
            raise SystemExit("Publishing did not put the changes on the public page")
    print(f"Screenshots in {out}: prepared-1 to prepared-5")


if __name__ == "__main__":
    main()
