# ruff: noqa: E501 - a table reads best with its columns aligned
"""Who may do what: the editorial roles, declared once for the whole site.

One row per model, one column per group (publishing.roles.GROUPS: Editor, Publisher),
the actions as Django's permission codenames begin. Every public text goes through
review: content in the editorial workflow (a `Publishable`) is written by editors and
published, scheduled and deleted by publishers; the parts of an item (quotes, points,
milestones, evidence links) go with it, so an editor changes them only while the item
is a draft; whatever is live as soon as it is saved (glossary terms, signposts, the
strategy, the accessibility pages, pictures' words) is changed by publishers only.
An editor may add or change nothing else (tests/test_review_everywhere.py checks
every row).

It lives here, in the project, because it names every app's models, and the shared
`publishing` app that applies it (`publishing.roles.apply_roles`) may know none of
them. The migrations strategy_site 0004 to 0009 apply it. Changed it? Add a
migration that applies it again (`operations = [grant(EDITORIAL_ROLES, undo=False)]`),
depending on the migrations that make the models it names.
"""

# fmt: off
EDITORIAL_ROLES = {
    # model                                Editor                     Publisher
    "news.pressrelease":                   ("add change view",        "add change delete view publish"),
    "news.cabinetdecision":                ("add change view",        "add change delete view publish"),
    "news.quote":                          ("add change delete view", "add change delete view"),
    "news.decisionpoint":                  ("add change delete view", "add change delete view"),
    "priorities.strategy":                 ("view",                   "add change view"),
    "priorities.priority":                 ("view",                   "add change view"),
    "progress.deliverable":                ("add change view",        "add change delete view publish"),
    "progress.progressupdate":             ("add change view",        "add change delete view publish"),
    "progress.yousaidwedid":               ("add change view",        "add change delete view publish"),
    "progress.milestone":                  ("add change delete view", "add change delete view"),
    "progress.evidencelink":               ("add change delete view", "add change delete view"),
    "progress.statuschange":               ("view",                   "view"),
    "easyread.easyreadversion":            ("add change view",        "add change delete view publish"),
    "easyread.easyreadpoint":              ("add change delete view", "add change delete view"),
    # Live as soon as saved and linked from every page, with no draft stage: publishers
    # only. Editors look, and ask a publisher for a new term or a change.
    "glossary.glossaryterm":               ("view",                   "add change delete view"),
    "accessibility.sitesettings":          ("view",                   "add change view"),
    "accessibility.accessibilitystatement": ("view",                  "add change view"),
    "helpcontacts.helpcontact":            ("view",                   "add change delete view"),
    "feedback.pagefeedback":               ("view",                   "view"),
    "publishing.previewlink":              ("",                       "add change view"),
    "publishing.changenote":               ("",                       "add change view"),
    # A picture's words and consent, in the Images list: editors look; publishers
    # correct them (which changes every page showing it, live ones too) and delete a
    # picture no page uses. Both add pictures from the page that shows them.
    "images.image":                        ("view",                   "add change delete view"),
    # Email alerts: both see how many people get each list, never who. Addresses need
    # "View subscriber addresses", which only an administrator grants, to a person.
    "alerts.subscription":                 ("view",                   "view"),
    "alerts.subscriber":                   ("",                       ""),
    # Each alert and summary with how many emails went (numbers, never who). Publishers
    # may pause all sending; editors see whether it is paused.
    "alerts.change":                       ("view",                   "view"),
    "alerts.digest":                       ("view",                   "view"),
    "alerts.sending":                      ("view",                   "change view"),
    # Advice for writers, never shown to the public: both add words to avoid (the
    # content checks flag them); publishers also remove them (contentchecks 0001).
    "contentchecks.avoidword":             ("add change view",        "add change delete view"),
    "sharing.shortlink":                   ("view",                   "view"),
}
# fmt: on
