"""One factory per model. Published and dated in the past unless a test says otherwise."""

import io
from datetime import date, timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from faker.providers.lorem.en_US import Provider as Lorem
from PIL import Image as PillowImage

from images.models import Image
from news.models import CabinetDecision, DecisionPoint, PressRelease, Quote
from priorities.models import Priority, Strategy
from publishing.models import Status

# Made-up text for the fields the content checks read: Faker's words less those on the
# list of words to avoid and the abbreviations ("PM", "TV"), in sentences and paragraphs
# of a fixed size under the checks' limits. A test that publishes a made-up item is then
# never asked to "publish anyway" by chance; a test about the checks writes its text.
PLAIN_WORDS = [
    word
    for word in Lorem.word_list
    if word not in {"drive", "focus", "key"} and not any(char.isupper() for char in word)
]


def plain_sentence(nb_words):
    return factory.Faker(
        "sentence", nb_words=nb_words, variable_nb_words=False, ext_word_list=PLAIN_WORDS
    )


def plain_paragraph():
    """Three sentences of 3 to 8 words: too short for a reading age."""
    return factory.Faker(
        "paragraph", nb_sentences=3, variable_nb_sentences=False, ext_word_list=PLAIN_WORDS
    )


def link_priorities(obj, create, extracted, **kwargs):
    """`PressReleaseFactory(priorities=[priority])` links it to those priorities."""
    if create and extracted:
        obj.priorities.set(extracted)


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    title = factory.Sequence(lambda n: f"Test Strategy {n} 2024-2029")
    short_name = "Working together"
    start_year = 2024
    end_year = 2029
    summary = "A plan for working with families."
    vision = "Every young person thrives."
    status = Strategy.Status.PREVIOUS


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n % 6 + 1)
    short_title = factory.Sequence(lambda n: f"Priority title {n}")
    pledge = factory.Faker("sentence", nb_words=16)
    body = "## What it means\n\nSome plain words."


def small_png(size=(12, 8), colour="teal"):
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


class ImageFactory(factory.django.DjangoModelFactory):
    """A picture; `PressReleaseFactory(image=ImageFactory(...))` shows it."""

    class Meta:
        model = Image

    file = factory.LazyFunction(small_png)
    alt = "A teal rectangle"


class PressReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PressRelease
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Council news item number {n}")
    standfirst = plain_sentence(20)
    body = plain_paragraph()
    status = Status.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=n + 1))
    priorities = factory.PostGeneration(link_priorities)


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    press_release = factory.SubFactory(PressReleaseFactory)
    speaker = factory.Faker("name")
    role = "Cabinet Member"
    text = factory.Faker("sentence", nb_words=20)


class CabinetDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CabinetDecision
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Cabinet decision number {n}")
    meeting_body = "Cabinet"
    meeting_date = factory.Sequence(lambda n: date(2024, 9, 17) - timedelta(days=n))
    item_number = factory.Sequence(lambda n: str(100 + n))
    summary_for_families = "What it means, in plain words."
    reasons = "Because it helps."
    discussion = "Councillors discussed it."
    decision_status = CabinetDecision.DecisionStatus.APPROVED
    status = Status.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=n + 1))
    priorities = factory.PostGeneration(link_priorities)


class DecisionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionPoint

    decision = factory.SubFactory(CabinetDecisionFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = DecisionPoint.Kind.APPROVED
    text = factory.Faker("sentence")


# Progress (progress app) ------------------------------------------------------


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "progress.Deliverable"

    priority = factory.SubFactory(PriorityFactory)
    title = factory.Sequence(lambda n: f"Deliverable number {n}")
    for_families = factory.Faker("sentence", nb_words=18)
    lead_organisation = factory.Iterator(
        ["Wiltshire Council", "BSW Integrated Care Board", "Wiltshire Parent Carer Council"]
    )
    # Spread over the next two years, so some are due soon.
    target_date = factory.Sequence(lambda n: timezone.localdate() + timedelta(days=31 * (n % 24)))
    status = Status.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=n + 1))


def published_deliverables(priorities, count):
    """`count` published deliverables spread over `priorities`, made in one bulk insert
    (a query-count test needs thousands, and factories would take minutes)."""
    from progress.models import Deliverable

    published_at = timezone.now() - timedelta(days=1)
    return Deliverable.objects.bulk_create(
        Deliverable(
            priority=priorities[n % len(priorities)],
            title=f"Deliverable number {n}",
            slug=f"deliverable-{n}",
            for_families="What will change, in plain words.",
            lead_organisation="Wiltshire Council",
            target_date=date(2026, 1 + n % 12, 1),
            status=Status.PUBLISHED,
            published_at=published_at,
            first_published_at=published_at,
        )
        for n in range(count)
    )


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "progress.Milestone"

    deliverable = factory.SubFactory(DeliverableFactory)
    title = factory.Sequence(lambda n: f"Milestone number {n}")
    due_on = factory.Sequence(lambda n: date(2025, 6, 1) + timedelta(days=n))


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "progress.ProgressUpdate"

    deliverable = factory.SubFactory(DeliverableFactory)
    date = factory.Sequence(lambda n: date(2025, 1, 1) + timedelta(days=n))
    title = factory.Sequence(lambda n: f"Progress update number {n}")
    body = plain_paragraph()
    status = Status.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(hours=n + 1))


class EvidenceLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "progress.EvidenceLink"

    update = factory.SubFactory(ProgressUpdateFactory)
    title = factory.Sequence(lambda n: f"Evidence document {n}")
    url = factory.Sequence(lambda n: f"https://example.org/evidence/{n}")


class YouSaidWeDidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "progress.YouSaidWeDid"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"You said, we did entry {n}")
    you_said = plain_paragraph()
    heard_at = "A co-production event"
    heard_on = factory.Sequence(lambda n: date(2025, 3, 1) - timedelta(days=n))
    we_did = plain_paragraph()
    status = Status.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=n + 1))
    priorities = factory.PostGeneration(link_priorities)


# Easy Read (easyread app) -----------------------------------------------------


class EasyReadVersionFactory(factory.django.DjangoModelFactory):
    """A published, checked Easy Read version of a priority (pass `page=` for another page)."""

    class Meta:
        model = "easyread.EasyReadVersion"

    page = factory.SubFactory(PriorityFactory)
    title = factory.Sequence(lambda n: f"Easy Read page number {n}")
    intro = "This page is about our plan.\nIt uses easy words."
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    checked_at = factory.LazyFunction(timezone.now)


class EasyReadPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "easyread.EasyReadPoint"

    version = factory.SubFactory(EasyReadVersionFactory)
    order = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"This is idea number {n}.\nIt is short.")


# Page feedback (feedback app) ----------------------------------------------------------


class PageFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.PageFeedback"

    page_path = factory.Sequence(lambda n: f"/news/story-number-{n}/")
    page_title = factory.Sequence(lambda n: f"Story number {n}")
    useful = True
    comment = ""


# Glossary (glossary app) ----------------------------------------------------------------


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "glossary.GlossaryTerm"

    term = factory.Sequence(lambda n: f"Glossary term number {n}")
    slug = factory.Sequence(lambda n: f"glossary-term-{n}")
    short_definition = "A plain-English explanation of the term."


# Help contacts (helpcontacts app) -------------------------------------------------------


class HelpContactFactory(factory.django.DjangoModelFactory):
    """Reachable by phone unless a test says otherwise; `priorities=[...]` links it."""

    class Meta:
        model = "helpcontacts.HelpContact"
        skip_postgeneration_save = True

    organisation = factory.Sequence(lambda n: f"Helpful service {n}")
    helps_with = "They listen and help families find support."
    phone = factory.Sequence(lambda n: f"01632 960{n % 1000:03d}")
    priorities = factory.PostGeneration(link_priorities)


# Content checks (contentchecks app) -----------------------------------------------------


class AvoidWordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contentchecks.AvoidWord"

    phrase = factory.Sequence(lambda n: f"synergy{n}")
    advice = "Say what you mean."
