"""The content checks on one text: each check with a text that passes it and one that
does not, as an editor would write them."""

import pytest
import textstat
from django.contrib.auth.models import Permission
from django.urls import reverse

from contentchecks.checks import READING_AGE_TARGET, check
from contentchecks.items import check_item
from tests.factories import (
    AvoidWordFactory,
    EasyReadPointFactory,
    EasyReadVersionFactory,
    GlossaryTermFactory,
    ImageFactory,
    PressReleaseFactory,
)

pytestmark = pytest.mark.django_db

PLAIN = (
    "We are making a new plan for short breaks. Families told us what they need. "
    "We listened. The new breaks start in the spring. You can ask for one on our "
    "website or by phone."
)
HARD = (
    "The partnership commissioning arrangements necessitate comprehensive "
    "consideration of multidisciplinary interdependencies. Notwithstanding organisational "
    "complexities, practitioners will demonstrate accountability through collaborative "
    "evaluation methodologies. Consequently, stakeholder expectations regarding "
    "transformational outcomes necessitate considerable operational recalibration."
)


def found(text, kind, **kwargs):
    return [finding for finding in check(text, **kwargs).findings if finding.kind == kind]


# Reading age ----------------------------------------------------------------------------


def test_plain_words_in_short_sentences_have_a_low_reading_age():
    report = check(PLAIN)

    assert report.reading_age.age <= READING_AGE_TARGET
    assert not found(PLAIN, "reading-age")


def test_a_hard_text_is_given_its_reading_age_and_the_sentences_that_raise_it():
    text = f"{PLAIN}\n\n{HARD}"
    [finding] = found(text, "reading-age")

    assert check(text).reading_age.age > READING_AGE_TARGET
    assert len(finding.words) == 3
    assert all(sentence in HARD for sentence in finding.words)


def test_the_reading_age_is_the_flesch_kincaid_grade_plus_five_years():
    grade = textstat.flesch_kincaid_grade(PLAIN)

    assert check(PLAIN).reading_age.age == max(5, round(grade) + 5)


def test_a_text_too_short_to_measure_has_no_reading_age():
    assert check("Book a place online.").reading_age is None


def test_a_reading_age_past_school_age_is_said_as_over_18():
    assert check(HARD).reading_age.said == "over 18"


# Length ---------------------------------------------------------------------------------


def test_a_sentence_over_25_words_is_found_and_a_shorter_one_is_not():
    long = "Word " + " ".join(["word"] * 24) + " more."
    short = "Word " + " ".join(["word"] * 23) + " more."

    [finding] = found(f"{short} {long}", "long-sentence")
    assert finding.words == (long,)
    assert "26 words" in finding.message


def test_a_wall_of_text_is_found_and_the_same_words_in_short_paragraphs_are_not():
    sentence = "Families can ask the council for help with school transport this year."
    wall = " ".join([sentence] * 8)
    paragraphs = "\n\n".join(" ".join([sentence] * 2) for _ in range(4))

    [finding] = found(wall, "wall-of-text")
    assert finding.words[0].startswith("Families can ask the council")
    assert not found(paragraphs, "wall-of-text")


# Words ----------------------------------------------------------------------------------


def test_words_the_style_guide_asks_us_to_avoid_are_found_in_any_of_their_forms():
    findings = found("Going forward we are delivering key services.", "avoid-word")

    assert {finding.words for finding in findings} == {
        ("Going forward",),
        ("delivering",),
        ("key",),
    }
    assert all(finding.message for finding in findings)
    assert not found("From now on we run the main services.", "avoid-word")


def test_only_whole_words_are_found():
    assert not found("The monkey ate a turkey sandwich.", "avoid-word")


def test_a_word_editors_add_to_the_list_is_found():
    AvoidWordFactory(phrase="synergy", other_forms="synergies", advice="Say what you mean.")

    [finding] = found("The synergies are clear.", "avoid-word")

    assert finding.words == ("synergies",)
    assert "Say what you mean." in finding.message


# Abbreviations ---------------------------------------------------------------------------


def test_an_abbreviation_not_in_the_glossary_nor_spelled_out_is_found():
    [finding] = found("Ask the PCF for help.", "abbreviation")

    assert finding.words == ("PCF",)
    assert "write it in full" in finding.message


def test_an_abbreviation_spelled_out_on_first_use_is_not_found():
    assert not found("Ask the Parent Carer Forum (PCF) for help. The PCF meets.", "abbreviation")
    assert not found("Ask the PCF (Parent Carer Forum) for help.", "abbreviation")


def test_an_abbreviation_spelled_out_only_after_its_first_use_is_found():
    text = "Ask the PCF. The Parent Carer Forum (PCF) can help."

    assert [f.words for f in found(text, "abbreviation")] == [("PCF",)]


def test_an_abbreviation_in_the_glossary_is_not_found_in_any_of_its_forms():
    GlossaryTermFactory(
        term="Education, Health and Care plan", abbreviation="EHCP", other_forms="EHCPs"
    )

    assert not found("Your EHCP says what help you get. Some EHCPs are new.", "abbreviation")


def test_an_abbreviation_of_a_hidden_glossary_term_is_found():
    GlossaryTermFactory(term="Parent Carer Forum", abbreviation="PCF", is_shown=False)

    assert found("Ask the PCF for help.", "abbreviation")


def test_names_numerals_and_well_known_abbreviations_are_not_abbreviations():
    assert not found("Mrs McDonald read chapter II on the NHS and the UK.", "abbreviation")


def test_a_publisher_can_start_a_glossary_entry_from_an_abbreviation(django_user_model):
    publisher = django_user_model.objects.create_user("pub", is_staff=True)
    publisher.user_permissions.add(Permission.objects.get(codename="add_glossaryterm"))
    editor = django_user_model.objects.create_user("ed", is_staff=True)

    [finding] = found("Ask the PCF for help.", "abbreviation", user=publisher)
    assert finding.action.url == reverse("admin:glossary_glossaryterm_add") + "?abbreviation=PCF"
    assert finding.action.label == "Start a glossary entry for “PCF”"
    [finding] = found("Ask the PCF for help.", "abbreviation", user=editor)
    assert finding.action is None


# Links --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, words",
    [
        ("For details [click here](https://example.org/breaks).", "click here"),
        ("[Read more](https://example.org/breaks)", "Read more"),
        ("Find out [here](https://example.org/breaks).", "here"),
        ("See <https://example.org/breaks>.", "https://example.org/breaks"),
        ("See [www.example.org](https://www.example.org).", "www.example.org"),
        ("See www.example.org/breaks for details.", "www.example.org/breaks"),
        ("A link [](https://example.org/breaks) with no words.", "https://example.org/breaks"),
    ],
)
def test_link_text_that_does_not_make_sense_alone_is_found(text, words):
    [finding] = found(text, "link-text")

    assert finding.words == (words,)


def test_link_text_that_says_where_it_goes_is_not_found():
    text = "Read about [short breaks for disabled children](https://example.org/breaks)."

    assert not found(text, "link-text")


# Headings, capitals, bold ---------------------------------------------------------------------


def test_a_skipped_heading_level_is_found():
    [finding] = found("## Who can apply\n\nText.\n\n#### Age\n\nText.", "heading-level")

    assert finding.words == ("Age",)
    assert "Use ###" in finding.message


def test_a_first_heading_below_level_two_skips_a_level():
    assert found("### Who can apply\n\nText.", "heading-level")


def test_headings_in_order_skip_nothing():
    assert not found(
        "## Who can apply\n\n### Age\n\n## How to apply\n\n### Online", "heading-level"
    )


def test_an_empty_heading_is_found():
    assert found("## Who can apply\n\n##\n\nText.", "empty-heading")
    assert not found("## Who can apply\n\nText.", "empty-heading")


def test_a_run_of_words_in_capitals_is_found_but_abbreviations_are_not():
    [finding] = found("PLEASE READ THIS before you apply.", "capitals")

    assert finding.words == ("PLEASE READ THIS",)
    assert not found("The SEND team and the ICB can help.", "capitals")


def test_a_paragraph_all_in_bold_is_found_and_a_few_bold_words_are_not():
    [finding] = found("**Apply before the end of March.**", "bold")

    assert finding.words == ("Apply before the end of March.",)
    assert not found("Apply **before the end of March**.", "bold")


# Pictures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown",
    ["![](/media/markdownx/a.png)", "![Image of a ramp](/media/a.png)", "![IMG_1234](/a.png)"],
)
def test_a_picture_in_the_text_without_a_real_description_is_found(markdown):
    assert found(markdown, "alt-text")


def test_a_picture_in_the_text_with_a_description_is_not_found():
    assert not found("![A ramp up to the school's front door](/media/a.png)", "alt-text")


def test_a_photo_of_people_without_consent_is_found_and_one_with_consent_is_not():
    without = PressReleaseFactory(image=ImageFactory(shows_people=True, consent_recorded=False))
    given = PressReleaseFactory(image=ImageFactory(shows_people=True, consent_recorded=True))

    assert [f.kind for f in check_item(without).findings if f.kind == "consent"] == ["consent"]
    assert not [f for f in check_item(given).findings if f.kind == "consent"]


def test_a_photo_described_as_a_photo_is_found():
    item = PressReleaseFactory(image=ImageFactory(alt="Photo of the team", consent_recorded=True))

    [finding] = [f for f in check_item(item).findings if f.kind == "alt-text"]
    assert finding.words == ("Photo of the team",)


# Easy Read ------------------------------------------------------------------------------------


def easy_read_findings(version, kind):
    return [f for f in check_item(version).findings if f.kind == kind]


def test_an_easy_read_point_over_15_words_is_found():
    version = EasyReadVersionFactory()
    EasyReadPointFactory(version=version, text="We will listen to you.")
    EasyReadPointFactory(
        version=version,
        text="We will listen to children and young people and their families about what "
        "they really need.",
    )

    [finding] = easy_read_findings(version, "easy-read-long-point")
    assert finding.words == ("We will listen to children and young people and their…",)
    assert finding.message.startswith("1 point has more than 15 words.")


def test_an_easy_read_point_with_two_sentences_is_found():
    version = EasyReadVersionFactory()
    EasyReadPointFactory(version=version, text="We will listen to you.")
    EasyReadPointFactory(version=version, text="We will listen.\nThen we will act.")

    [finding] = easy_read_findings(version, "easy-read-two-ideas")
    assert finding.words == ("We will listen. Then we will act.",)


def test_an_easy_read_point_without_a_picture_is_found_and_one_with_a_picture_is_not():
    version = EasyReadVersionFactory()
    EasyReadPointFactory(version=version, text="We will listen to you.", image=ImageFactory())
    EasyReadPointFactory(version=version, text="We will act.")

    [finding] = easy_read_findings(version, "easy-read-no-picture")
    assert finding.words == ("We will act.",)
