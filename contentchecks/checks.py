"""
The content checks: plain English and accessibility advice on one Markdown text.

`check(text)` is the one function: the admin's panel, the live preview's endpoint and
the publish confirmation all call it. It returns a Report: the text's reading age and
a list of Findings, each with its kind, a message in plain English and the words it is
about. Findings are advice: nothing here refuses a save.

Reading age. textstat's Flesch-Kincaid grade level (from the average words per
sentence and syllables per word) is a US school grade; a UK reading age is that grade
plus 5 years (grade 4 is a reading age of 9, GOV.UK's aim for everyone). Each list
item and table cell counts as a sentence, headings do not count, a text of fewer than
30 words is too short to measure, and the sentences that raise the age most are the
ones with the highest grade of their own.
"""

import re
from dataclasses import dataclass, field

import textstat

from contentchecks import registry
from contentchecks.models import AvoidWord
from contentchecks.text import opening, read, sentences, words

READING_AGE_TARGET = 9  # GOV.UK's content design aims at a reading age of 9
GRADE_TO_AGE = 5  # a US grade level plus 5 is a UK reading age
OLDEST_AGE = 18  # past school age a reading age says no more: "over 18"
# Flesch-Kincaid reads a passage: a sentence or two says too little to measure.
READING_AGE_MIN_WORDS = 30
HARDEST_SHOWN = 3  # the sentences that raise the reading age, at most
LONG_SENTENCE_WORDS = 25
WALL_OF_TEXT_WORDS = 80
WALL_OF_TEXT_SENTENCES = 5
CAPITALS_RUN = 3  # words in a row written in capitals

# Abbreviations so well known that they need no explanation (GOV.UK's own examples,
# and a few of the same kind).
WELL_KNOWN = {"UK", "EU", "VAT", "MP", "MPs", "NHS", "BBC", "GP", "GPs", "TV", "PDF", "OK"}
ROMAN_NUMERAL = re.compile(r"[IVXLCDM]+")

VAGUE_LINK_TEXT = {
    "click",
    "click here",
    "here",
    "link",
    "this link",
    "this",
    "this page",
    "read more",
    "more",
    "more here",
    "more info",
    "more information",
    "find out more",
    "learn more",
    "see more",
    "go",
}
WEB_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<>()]+[^\s<>().,;:!?]", re.IGNORECASE)
PICTURE_FILE = re.compile(r"\.(?:jpe?g|png|webp|gif)$|^(?:img|dsc|image)[_-]?\d+", re.IGNORECASE)
# Alt text that says what the thing is rather than what it shows: screen readers
# already say "image".
REDUNDANT_ALT = re.compile(
    r"^(?:an? |the )?(?:image|picture|photo|photograph|graphic|img|pic)(?: of\b|$)",
    re.IGNORECASE,
)

KIND_LABELS = {
    "reading-age": "Reading age",
    "long-sentence": "Long sentence",
    "wall-of-text": "Long paragraph",
    "avoid-word": "Word to avoid",
    "abbreviation": "Abbreviation",
    "link-text": "Link text",
    "heading-level": "Heading level",
    "empty-heading": "Empty heading",
    "capitals": "Capitals",
    "bold": "Bold",
    "alt-text": "Picture description",
    "consent": "Consent",
}


@dataclass(frozen=True)
class Action:
    """Something the editor can do about a finding at once: a link."""

    label: str
    url: str


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    words: tuple = ()  # the words it is about: sentences, a phrase, a link's text
    action: Action | None = None
    label: str = ""  # shown before the message; the kind's label when empty

    def __post_init__(self):
        if not self.label:
            object.__setattr__(self, "label", KIND_LABELS.get(self.kind, self.kind))


@dataclass(frozen=True)
class ReadingAge:
    age: int  # years, in the UK sense
    grade: float  # textstat's Flesch-Kincaid grade level
    hardest: tuple  # the sentences that raise it most, hardest first

    target = READING_AGE_TARGET

    @property
    def over_target(self):
        return self.age > READING_AGE_TARGET

    @property
    def said(self):
        """As editors read it: "about 12", "over 18"."""
        return f"over {OLDEST_AGE}" if self.age > OLDEST_AGE else f"about {self.age}"


@dataclass
class Report:
    """What the checks found in one text."""

    reading_age: ReadingAge | None = None
    findings: list = field(default_factory=list)
    explained: set = field(default_factory=set)  # abbreviations it explains


def check(markdown_text, *, user=None, avoid_words=None, explained=frozenset()):
    """Check one Markdown text (a plain text is Markdown too).

    `user`: who will read the findings, for the actions they may take (starting a
    glossary entry). `avoid_words`: the AvoidWord list, when the caller checks several
    texts and has read it once. `explained`: abbreviations explained in an earlier
    text of the same page.
    """
    text = read(markdown_text)
    report = Report(reading_age=reading_age(text))
    if avoid_words is None:
        avoid_words = list(AvoidWord.objects.all())
    findings = report.findings
    findings += reading_age_findings(report.reading_age)
    findings += long_sentences(text)
    findings += walls_of_text(text)
    findings += words_to_avoid(text, avoid_words)
    abbreviation_findings, report.explained = abbreviations(text, user, set(explained))
    findings += abbreviation_findings
    findings += link_texts(text)
    findings += headings(text)
    findings += capitals(text)
    findings += bold_paragraphs(text)
    findings += pictures_in_text(text)
    return report


# Reading age and length ------------------------------------------------------------------


def as_reading_age(grade):
    return max(GRADE_TO_AGE, round(grade) + GRADE_TO_AGE)


def with_full_stop(sentence):
    return sentence if sentence[-1] in ".!?" else f"{sentence}."


def reading_age(text):
    """textstat's Flesch-Kincaid grade of the prose as a UK reading age, or None for a
    text too short to measure."""
    found = [sentence for sentence in text.sentences() if words(sentence)]
    if sum(len(words(sentence)) for sentence in found) < READING_AGE_MIN_WORDS:
        return None
    grade = textstat.flesch_kincaid_grade(" ".join(with_full_stop(s) for s in found))
    graded = [
        (textstat.flesch_kincaid_grade(with_full_stop(sentence)), sentence)
        for sentence in found
        if len(words(sentence)) >= 3  # a word or two alone says little about a text
    ]
    hardest = [
        sentence
        for sentence_grade, sentence in sorted(graded, key=lambda pair: pair[0], reverse=True)
        if as_reading_age(sentence_grade) > READING_AGE_TARGET
    ]
    return ReadingAge(as_reading_age(grade), grade, tuple(hardest[:HARDEST_SHOWN]))


def reading_age_findings(age):
    if age is None or not age.over_target:
        return []
    message = (
        f"The reading age is {age.said}. Aim for {READING_AGE_TARGET} or under: "
        "shorter sentences and everyday words bring it down."
    )
    if age.hardest:
        message += " These sentences raise it most:"
    return [Finding("reading-age", message, age.hardest)]


def long_sentences(text):
    return [
        Finding(
            "long-sentence",
            f"This sentence has {len(words(sentence))} words. "
            f"Keep sentences to {LONG_SENTENCE_WORDS} words or fewer: split it in two.",
            (sentence,),
        )
        for sentence in text.sentences()
        if len(words(sentence)) > LONG_SENTENCE_WORDS
    ]


def walls_of_text(text):
    findings = []
    for block in text.prose:
        if block.tag != "p":
            continue
        count, said = len(words(block.text)), len(sentences(block.text))
        if count > WALL_OF_TEXT_WORDS or said > WALL_OF_TEXT_SENTENCES:
            findings.append(
                Finding(
                    "wall-of-text",
                    f"This paragraph has {said} sentences and {count} words: a wall of "
                    "text is hard to read on a phone. Break it into shorter paragraphs "
                    "of one to three sentences, or a list.",
                    (opening(block.text),),
                )
            )
    return findings


# Words -------------------------------------------------------------------------------------


def words_to_avoid(text, avoid_words):
    plain = text.plain
    findings = []
    for word in avoid_words:
        found = list(dict.fromkeys(match.group(0) for match in word.pattern().finditer(plain)))
        if found:
            message = f"“{word.phrase}” is on the list of words to avoid. {word.advice}"
            findings.append(Finding("avoid-word", message, tuple(found)))
    return findings


def looks_like_abbreviation(token):
    """Mostly capitals, two or more ("SEND", "EHCPs", "SENCo"), but not a name with
    two capitals ("McDonald") nor a Roman numeral ("II")."""
    letters = [char for char in token if char.isalpha()]
    capitals = sum(char.isupper() for char in letters)
    return capitals >= 2 and capitals * 2 >= len(letters) and not ROMAN_NUMERAL.fullmatch(token)


def singular(token):
    return token[:-1] if token.endswith("s") and len(token) > 2 else token


def spelled_out_at(plain, match):
    """Whether the abbreviation at `match` is explained where it stands: inside brackets
    after the words in full ("Integrated Care Board (ICB)"), or followed by them in
    brackets ("ICB (Integrated Care Board)")."""
    before, after = plain[: match.start()], plain[match.end() :]
    opened, closed = before.rfind("("), before.rfind(")")
    if opened > closed and before[:opened].strip() and ")" in after:
        return True
    return bool(re.match(r"\s*\([^)]*[a-z]", after))


def abbreviations(text, user, explained):
    """Abbreviations neither in a glossary nor explained the first time they are used.
    Returns the findings and every abbreviation the text explains, for the next text."""
    known = set(WELL_KNOWN)
    for glossary in registry.glossaries():
        known |= set(glossary.known_forms())
    in_capitals = {word for run in capital_runs(text) for word in run.split()}
    for block in text.blocks:
        explained |= block.explained
    plain = text.plain
    findings, seen = [], set()
    for match in re.finditer(r"(?<![\w&-])[A-Za-z][A-Za-z0-9&]*(?![\w&-])", plain):
        token = match.group(0)
        if token in seen or not looks_like_abbreviation(token) or token in in_capitals:
            continue
        seen.add(token)
        if {token, singular(token)} & (known | explained):
            continue
        if spelled_out_at(plain, match):
            explained.add(singular(token))
            continue
        findings.append(abbreviation_finding(singular(token), user))
    return findings, explained


def abbreviation_finding(abbreviation, user):
    action = None
    for glossary in registry.glossaries():
        if user is not None and glossary.may_start_entry(user):
            url = glossary.start_entry_url(abbreviation)
            action = Action(f"Start a glossary entry for “{abbreviation}”", url)
            break
    return Finding(
        "abbreviation",
        f"“{abbreviation}” is not explained. The first time you use it, write it in full "
        f"with “{abbreviation}” in brackets after it, or add it to the glossary "
        "(publishers add glossary entries).",
        (abbreviation,),
        action,
    )


# Links, headings, emphasis ----------------------------------------------------------------


def link_texts(text):
    findings = []
    link_words = set()
    for link in text.links:
        said = link.text
        link_words.add(said)
        plain = re.sub(r"[^\w\s]", "", said).lower().strip()
        plain = " ".join(plain.split())
        if not said:
            message = "This link has no words. Say where it goes, e.g. [Short breaks](…)."
            findings.append(Finding("link-text", message, (link.href,)))
        elif WEB_ADDRESS.fullmatch(said) or said == link.href:
            findings.append(
                Finding(
                    "link-text",
                    "This link's text is a web address. Say where it goes instead: "
                    "screen readers read an address out letter by letter.",
                    (said,),
                )
            )
        elif plain in VAGUE_LINK_TEXT or plain.startswith("click here"):
            findings.append(
                Finding(
                    "link-text",
                    f"“{said}” does not make sense on its own: people using a screen "
                    "reader often hear only the links. Say where it goes, e.g. "
                    "“short breaks for disabled children”.",
                    (said,),
                )
            )
    for block in text.prose:
        for address in WEB_ADDRESS.findall(block.text):
            if address not in link_words:
                findings.append(
                    Finding(
                        "link-text",
                        "This web address is typed as text. Make it a link with words "
                        "that say where it goes: [Where it goes](the address).",
                        (address,),
                    )
                )
    return findings


def headings(text):
    findings = []
    previous = 1  # the page's title is its only level 1 heading
    for heading in text.headings:
        if not heading.text:
            findings.append(
                Finding(
                    "empty-heading",
                    f"There is a level {heading.level} heading ({'#' * heading.level}) "
                    "with no words. Give it words or remove it.",
                )
            )
            continue
        if heading.level > previous + 1:
            after = "the page's title" if previous == 1 else f"a level {previous} heading"
            findings.append(
                Finding(
                    "heading-level",
                    f"This heading is level {heading.level} ({'#' * heading.level}) "
                    f"straight after {after}, so a level is skipped. Use "
                    f"{'#' * (previous + 1)}: people using screen readers move around "
                    "a page by its headings.",
                    (heading.text,),
                )
            )
        previous = heading.level
    return findings


def is_capitals(word):
    letters = [char for char in word if char.isalpha()]
    return bool(letters) and all(char.isupper() for char in letters)


def capital_runs(text):
    """Stretches of CAPITAL_RUN or more words, of two letters or more, written in capitals."""
    runs = []
    for block in text.blocks:
        run = []
        for word in [*block.text.split(), ""]:
            if word and is_capitals(word):
                run.append(word)
                continue
            if sum(len([c for c in w if c.isalpha()]) >= 2 for w in run) >= CAPITALS_RUN:
                runs.append(" ".join(run))
            run = []
    return runs


def capitals(text):
    return [
        Finding(
            "capitals",
            "Text in capitals is harder to read, and some screen readers spell it out "
            "letter by letter. Use ordinary capitals; bold a few words if they must stand out.",
            (run,),
        )
        for run in capital_runs(text)
    ]


def bold_paragraphs(text):
    findings = []
    for block in text.prose:
        if block.tag not in ("p", "li") or not words(block.bold):
            continue
        if words(block.bold) == words(block.text):
            what = "paragraph" if block.tag == "p" else "list item"
            findings.append(
                Finding(
                    "bold",
                    f"This {what} is all in bold. When everything is bold, nothing stands "
                    "out. If it is a heading, make it one with ##; otherwise bold a few "
                    "words at most.",
                    (opening(block.text),),
                )
            )
    return findings


# Pictures ----------------------------------------------------------------------------------


def alt_text_problem(alt):
    """What is wrong with a picture's description, or "" if nothing is."""
    alt = " ".join(alt.split())
    if not alt:
        return "no description (alt text)"
    if REDUNDANT_ALT.match(alt):
        return (
            "a description that starts by saying it is a picture: screen readers say that already"
        )
    if PICTURE_FILE.search(alt):
        return "a file name for a description"
    return ""


def pictures_in_text(text):
    findings = []
    for picture in text.pictures:
        name = picture.src.rsplit("/", 1)[-1]
        problem = alt_text_problem(picture.alt)
        if problem:
            findings.append(
                Finding(
                    "alt-text",
                    f"A picture in the text has {problem}. Say what it shows, for people "
                    "who cannot see it, in the square brackets: ![What it shows](…).",
                    (picture.alt or name,),
                )
            )
    return findings
