"""
The benchmark's large dataset: the real fixtures plus thousands of sample items.

Everything added here is marked as benchmark data (slugs start `bench-`, titles start
"Benchmark sample") and lives only in the benchmark's own database. The words come
from the real fixtures (the strategy, its priorities, the press release and the
decision), recombined, so pages are realistic in length and search finds words at
realistic frequencies; the quotes and decision points are the real ones, reused, so
nothing is invented.

Photos: a few distinct photos are drawn, stored and given their renditions once, and
shared between the press releases (every other one has a photo). Thousands of
distinct uploads would measure Pillow, not the site.

Building is idempotent: it tops the counts up to what is asked and does nothing when
they are already there, so a second `make bench` starts measuring at once.
"""

import json
import random
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from images import models as images
from news.models import CabinetDecision, DecisionPoint, PressRelease, Quote
from priorities.models import Priority, Strategy
from publishing.models import Status

SLUG_PREFIX = "bench-"
TITLE_PREFIX = "Benchmark sample"
PHOTO_FOLDER = "news/bench"
PHOTO_SIZE = (1280, 720)
# Publication dates are spread over these years, so the year filters and feeds see history.
FIRST_YEAR = 2019
SEED = 10  # issue #10: the same dataset every time


def build(press_releases=5000, decisions=1000, deliverables=60, photos=40, stdout=None):
    """Load the real content, then top up the sample items to the counts asked for.

    Returns what was created, e.g. {"press releases": 4990, "decisions": 0, ...}.
    """
    say = stdout.write if stdout else (lambda message: None)
    call_command("load_content", verbosity=0)
    strategy = Strategy.objects.current()
    priorities = list(Priority.objects.order_by("number"))
    text = TextPool.from_fixtures()
    created = {}
    with transaction.atomic():
        photo_set = sample_photos(photos) if photos else []
        created["press releases"] = add_press_releases(
            press_releases, strategy, priorities, text, photo_set
        )
        created["decisions"] = add_decisions(decisions, strategy, priorities, text)
        created["deliverables"] = add_deliverables(deliverables, priorities, text)
    if connection.vendor == "postgresql":
        # A database as autovacuum keeps a live site's: fresh statistics (without them
        # the planner ignores the search indexes after a bulk load), no dead rows left
        # by the load's updates, GIN pending lists merged. Every run, not only after a
        # load: these machines' PostgreSQL runs with autovacuum off, so dead rows from
        # earlier runs' test saves would otherwise pile up. VACUUM cannot run inside a
        # transaction (a test's, for one): there, the statistics alone.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    say(
        "Benchmark dataset: "
        + ", ".join(f"{count} {kind} added" for kind, count in created.items())
        + "\n"
    )
    return created


class TextPool:
    """Paragraphs and sentences of the real content, to recombine."""

    def __init__(self, paragraphs, quotes, points):
        self.paragraphs = paragraphs
        self.quotes = quotes
        self.points = points

    @classmethod
    def from_fixtures(cls):
        paragraphs, quotes, points = [], [], []
        for name in ("strategy", "news"):
            path = Path(settings.BASE_DIR) / "fixtures" / f"{name}.json"
            for row in json.loads(path.read_text()):
                fields = row["fields"]
                if row["model"] == "news.quote":
                    quotes.append({k: fields[k] for k in ("speaker", "role", "text")})
                elif row["model"] == "news.decisionpoint":
                    points.append({k: fields[k] for k in ("kind", "text")})
                for key in ("body", "vision", "summary", "pledge", "reasons", "standfirst"):
                    value = fields.get(key) or ""
                    paragraphs += [
                        p.strip()
                        for p in value.split("\n\n")
                        if len(p.strip()) > 60 and not p.lstrip().startswith("#")
                    ]
        return cls(paragraphs, quotes, points)

    def body(self, rng, count):
        chosen = rng.sample(self.paragraphs, min(count, len(self.paragraphs)))
        return "\n\n".join(
            f"## {p.split('.')[0][:60]}\n\n{p}" if i % 3 == 2 else p for i, p in enumerate(chosen)
        )

    def sentence(self, rng, limit=300):
        paragraph = rng.choice(self.paragraphs)
        return (paragraph.split(". ")[0].rstrip(".") + ".")[:limit]


def published_at(rng, index, total):
    """Spread evenly from FIRST_YEAR to last week, newest for the highest index."""
    start = timezone.make_aware(datetime(FIRST_YEAR, 1, 1, 9))
    span = (timezone.now() - timedelta(days=7)) - start
    offset = span * (index + 1) / (total + 1)
    return start + offset + timedelta(minutes=rng.randrange(0, 480))


def existing(model):
    return model.objects.filter(slug__startswith=SLUG_PREFIX).count()


def add_press_releases(count, strategy, priorities, text, photo_set):
    have = existing(PressRelease)
    if have >= count:
        return 0
    rng = random.Random(SEED + have)
    items = []
    for index in range(have, count):
        when = published_at(rng, index, count)
        priority = priorities[index % len(priorities)] if priorities else None
        item = PressRelease(
            title=f"{TITLE_PREFIX} press release {index + 1}: "
            f"{priority.short_title if priority else 'news'}",
            slug=f"{SLUG_PREFIX}news-{index + 1:05d}",
            standfirst=text.sentence(rng),
            body=text.body(rng, 6),
            strategy=strategy,
            status=Status.PUBLISHED,
            published_at=when,
            first_published_at=when,
        )
        if photo_set and index % 2 == 0:
            item.image = photo_set[(index // 2) % len(photo_set)]
        items.append(item)
    PressRelease.objects.bulk_create(items, batch_size=500)
    saved = list(
        PressRelease.objects.filter(slug__in=[item.slug for item in items]).order_by("slug")
    )
    link_priorities(PressRelease, saved, priorities, "pressrelease")
    Quote.objects.bulk_create(
        [
            Quote(press_release=item, order=order, **quote)
            for item in saved
            for order, quote in enumerate(text.quotes[: 1 + item.pk % 3], start=1)
        ],
        batch_size=1000,
    )
    return len(items)


def add_decisions(count, strategy, priorities, text):
    have = existing(CabinetDecision)
    if have >= count:
        return 0
    rng = random.Random(SEED * 2 + have)
    items = []
    for index in range(have, count):
        when = published_at(rng, index, count)
        priority = priorities[index % len(priorities)] if priorities else None
        items.append(
            CabinetDecision(
                title=f"{TITLE_PREFIX} decision {index + 1}: "
                f"{priority.short_title if priority else 'decision'}",
                slug=f"{SLUG_PREFIX}decision-{index + 1:05d}",
                meeting_body="Cabinet",
                meeting_date=timezone.localdate(when),
                item_number=str(index % 150 + 1),
                purpose=text.sentence(rng),
                summary_for_families=text.body(rng, 2),
                reasons=text.body(rng, 2),
                discussion=text.body(rng, 3),
                decision_status=CabinetDecision.DecisionStatus.APPROVED,
                strategy=strategy,
                status=Status.PUBLISHED,
                published_at=when,
                first_published_at=when,
            )
        )
    CabinetDecision.objects.bulk_create(items, batch_size=500)
    saved = list(
        CabinetDecision.objects.filter(slug__in=[item.slug for item in items]).order_by("slug")
    )
    link_priorities(CabinetDecision, saved, priorities, "cabinetdecision")
    DecisionPoint.objects.bulk_create(
        [
            DecisionPoint(decision=item, number=number, **point)
            for item in saved
            for number, point in enumerate(text.points, start=1)
        ],
        batch_size=1000,
    )
    return len(items)


def link_priorities(model, saved, priorities, column):
    """One or two priorities each, through the many-to-many table in one go."""
    if not priorities:
        return
    through = model.priorities.through
    links = []
    for item in saved:
        first = priorities[item.pk % len(priorities)]
        second = priorities[(item.pk * 7 + 3) % len(priorities)]
        for priority in {first.pk: first, second.pk: second}.values():
            links.append(through(**{f"{column}_id": item.pk, "priority_id": priority.pk}))
    through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)


def add_deliverables(count, priorities, text):
    """Progress deliverables, when the progress app has them (it is being written)."""
    model = deliverable_model()
    if model is None:
        return 0
    slug_field = next((f for f in model._meta.fields if f.name == "slug"), None)
    if slug_field is not None:
        have = model.objects.filter(slug__startswith=SLUG_PREFIX).count()
    else:
        have = model.objects.filter(**{f"{title_field(model)}__startswith": TITLE_PREFIX}).count()
    if have >= count:
        return 0
    rng = random.Random(SEED * 3 + have)
    items = [sample_instance(model, index, priorities, text, rng) for index in range(have, count)]
    model.objects.bulk_create(items, batch_size=500)
    return len(items)


def deliverable_model():
    """progress.Deliverable if the progress app has it and its table exists."""
    try:
        model = apps.get_model("progress", "Deliverable")
    except LookupError:
        return None
    if model._meta.db_table not in connection.introspection.table_names():
        return None  # the model is written but its migration is not yet
    return model


def title_field(model):
    names = [f.name for f in model._meta.fields]
    return next((name for name in ("title", "name", "short_title") if name in names), "pk")


def sample_instance(model, index, priorities, text, rng):
    """An instance with every required field filled in from the field's type.

    The progress app's model is not ours, so rather than guess its fields by name,
    fill in what the database needs and leave what has a default.
    """
    names = {field.name for field in model._meta.concrete_fields}
    values = {"slug": f"{SLUG_PREFIX}deliverable-{index + 1:03d}"} if "slug" in names else {}
    if title_field(model) in names:
        values[title_field(model)] = f"{TITLE_PREFIX} deliverable {index + 1}"
    if "status" in names:
        values["status"] = Status.PUBLISHED
    if "published_at" in names:
        values["published_at"] = values["first_published_at"] = published_at(rng, index, 60)
    for field in model._meta.concrete_fields:
        if field.name in values or field.primary_key or field.has_default():
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.null or (field.blank and not isinstance(field, models.ForeignKey)):
            continue  # an empty CharField or TextField is "" by default, which is fine
        if field.choices:
            values[field.name] = field.choices[index % len(field.choices)][0]
        elif isinstance(field, models.ForeignKey):
            related = field.related_model
            if related is Priority and priorities:
                values[field.name] = priorities[index % len(priorities)]
            else:
                values[field.name] = related._default_manager.first()
        elif isinstance(field, models.DateTimeField):
            values[field.name] = published_at(rng, index, 60)
        elif isinstance(field, models.DateField):
            values[field.name] = date(2024, 10, 1) + timedelta(days=30 * index)
        elif isinstance(field, models.BooleanField):
            values[field.name] = False
        elif isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
            values[field.name] = index % 6 + 1
        elif isinstance(field, models.TextField):
            values[field.name] = text.body(rng, 2)
        elif isinstance(field, models.CharField):
            values[field.name] = text.sentence(rng, field.max_length or 200)
    return model(**values)


def sample_photos(count):
    """`count` stored photos (Image rows) with their renditions, made once and reused."""
    photos = []
    for number in range(1, count + 1):
        name = f"{PHOTO_FOLDER}/photo-{number:03d}.jpg"
        reused = images.Image.objects.filter(file=name).first()
        if reused and default_storage.exists(name) and reused.renditions:
            photos.append(reused)
            continue
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, ContentFile(draw_photo(number)))
        photo = images.Image(
            file=stored,
            width=PHOTO_SIZE[0],
            height=PHOTO_SIZE[1],
            renditions=images.make_renditions(stored),
            alt="A sample photo for the benchmark: coloured shapes",
            shows_people=False,
        )
        # bulk_create: drawn here without metadata, so not cleaned and renamed on save.
        photos += images.Image.objects.bulk_create([photo])
    return photos


def draw_photo(number):
    """A JPEG of coloured shapes: compresses like a photo more than a flat colour does."""
    rng = random.Random(number)
    image = Image.new("RGB", PHOTO_SIZE, tuple(rng.randrange(40, 220) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(PHOTO_SIZE[0]), rng.randrange(PHOTO_SIZE[1])
        radius = rng.randrange(20, 200)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def counts():
    """How many of each sample item the database holds (for the results' settings)."""
    result = {
        "press releases": PressRelease.objects.published().count(),
        "decisions": CabinetDecision.objects.published().count(),
    }
    if model := deliverable_model():
        result["deliverables"] = model.objects.count()
    return result
