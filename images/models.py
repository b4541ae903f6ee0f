"""
Every photo an editor uploads, through the admin or the Markdown editor,
passes through here.

Checking: only JPEG, PNG and WebP, recognised by their content rather than
their name, so a web page or an SVG renamed `photo.png` is refused. The file
size and the pixel count are limited, the pixel count read from the header
before anything is decoded: a small file can hold a huge image (a
"decompression bomb") that would exhaust the server's memory. Every refusal is
a ValidationError with words an editor can act on, never a 500.

Cleaning: these may be photos of children, and a camera's EXIF data can hold
the GPS position where the photo was taken. Each photo is rotated upright,
converted to sRGB and re-encoded from its pixels alone, under a random name,
so no metadata survives.

Renditions: copies at a few widths, in WebP and a JPEG (or PNG) fallback, so
browsers download only what the screen needs.

Pictures are Image rows: the file with its words (alt text or "decorative",
caption, credit), whether it shows people and whether their consent is
recorded, and its renditions. A model that shows a picture refers to one by
foreign key and takes HasPicture, which holds the rules that depend on where
the picture appears: a picture that shows people is not published until the
editor records consent.
"""

import posixpath
import secrets
import warnings
from dataclasses import dataclass
from io import BytesIO

import reversion
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.functional import cached_property
from PIL import Image as PillowImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

# Pillow names what it found; MPO is how it names a JPEG from a phone or camera
# that carries extra pictures (previews, depth maps). We keep the first.
FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000  # a 40-megapixel camera; about 160 MB once decoded
RENDITION_WIDTHS = (320, 640, 960, 1280)
RENDITIONS_FOLDER = "renditions"

NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image. Save it as one of those and try again."
DAMAGED = "This image file is damaged or incomplete. Try saving it again and re-uploading."
RESIZE = "Make it smaller and upload it again."

SRGB = ImageCms.createProfile("sRGB")


def max_bytes():
    return getattr(settings, "IMAGE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels():
    return getattr(settings, "IMAGE_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def file_size(size):
    """As file browsers show it: "12.3 MB", "10 MB", "140.7 KB"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def megapixels(pixels):
    return f"{pixels / 1_000_000:,.0f} megapixels"


# Checking ---------------------------------------------------------------------------


def validate_image(value):
    """Refuse anything but a sound JPEG, PNG or WebP of a sensible size.

    The admin's form field and the model field both run this; a photo already
    stored was checked when it was uploaded and is not read again.
    """
    if isinstance(value, FieldFile):
        if value._committed:
            return
        value = value.file
    if getattr(value, "image_checked", False):
        return  # the form and the model's full_clean() see the same upload: decode it once

    if value.size > max_bytes():
        raise ValidationError(
            f"This file is {file_size(value.size)}. "
            f"The most we accept is {file_size(max_bytes())}. {RESIZE}",
            code="image_bytes",
        )
    value.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow refuses a bomb over twice its own limit but only warns below that.
            warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
            with PillowImage.open(value, formats=FORMATS) as image:
                width, height = image.size  # from the header: nothing decoded yet
                if width * height > max_pixels():
                    raise ValidationError(
                        f"This image is too large: {width:,} × {height:,} pixels "
                        f"({megapixels(width * height)}). "
                        f"The most we accept is {megapixels(max_pixels())}. {RESIZE}",
                        code="image_pixels",
                    )
                image.load()
    except ValidationError:
        raise
    except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning) as error:
        raise ValidationError(
            f"This image is too large: over {megapixels(PillowImage.MAX_IMAGE_PIXELS)}. "
            f"The most we accept is {megapixels(max_pixels())}. {RESIZE}",
            code="image_pixels",
        ) from error
    except UnidentifiedImageError as error:
        raise ValidationError(NOT_AN_IMAGE, code="image_type") from error
    except Exception as error:
        # Pillow's decoders raise all sorts for bad data (OSError for a truncated
        # file, SyntaxError, ValueError, zlib.error...); the remedy is the same.
        raise ValidationError(DAMAGED, code="image_damaged") from error
    finally:
        value.seek(0)
    value.image_checked = True


class ImageFormField(forms.FileField):
    """Our checks and messages in place of Django's ImageField's, which calls
    a decompression bomb or an SVG "not a valid image" and lets GIFs through."""

    def to_python(self, data):
        file = super().to_python(data)
        if file is not None:
            validate_image(file)
        return file

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput):
            attrs.setdefault("accept", ",".join(CONTENT_TYPES.values()))
        return attrs


class ImageField(models.ImageField):
    """An ImageField whose form field gives our messages (see ImageFormField)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageFormField, **kwargs})


# Cleaning ---------------------------------------------------------------------------


def clean_copy(file, *, max_size=None):
    """The photo re-encoded from its pixels alone, upright, in sRGB, under a random name.

    The same format as the upload. `max_size` (width, height) shrinks it to fit.
    """
    validate_image(file)
    file.seek(0)
    with PillowImage.open(file, formats=FORMATS) as original:
        image_format = "JPEG" if original.format == "MPO" else original.format
        image = ImageOps.exif_transpose(original)  # a copy, turned the way the camera was held
    image = to_srgb(image)
    if max_size:
        image.thumbnail(max_size, PillowImage.Resampling.LANCZOS)
    return ContentFile(encode(image, image_format), name=random_name(image_format))


def random_name(image_format):
    """A name that says nothing about the photo and that nobody can guess."""
    return f"{secrets.token_hex(16)}.{EXTENSIONS[image_format]}"


def to_srgb(image):
    """Convert to sRGB, so that dropping the colour profile does not shift the colours
    (phones often shoot in Display P3; print photos come in Adobe RGB or CMYK)."""
    icc_profile = image.info.get("icc_profile")
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            profile = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            if "srgb" not in ImageCms.getProfileDescription(profile).lower():
                mode = "RGBA" if image.mode == "RGBA" else "RGB"
                return ImageCms.profileToProfile(image, profile, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: keep the numbers as they are
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        return image.convert("RGBA" if image.has_transparency_data else "RGB")
    return image


def encode(image, image_format):
    """The image's pixels, and nothing else, in `image_format`."""
    # Pillow writes some metadata it finds in `info` (colour profile, comment);
    # only PNG and palette transparency are part of the picture.
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    buffer = BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=85, progressive=True, optimize=True)
    elif image_format == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=82)
    return buffer.getvalue()


# Renditions -------------------------------------------------------------------------


def make_renditions(name):
    """Copies of the stored photo `name` at RENDITION_WIDTHS (none wider than it),
    each in WebP and in a fallback: JPEG, or PNG if the photo has transparent parts.

    Returns what Image.renditions holds: storage names, not URLs,
    so the pages follow wherever the media is served from.
    """
    with default_storage.open(name) as file, PillowImage.open(file, formats=FORMATS) as image:
        image.load()
        transparent = image.has_transparency_data and (
            image.convert("RGBA").getchannel("A").getextrema()[0] < 255
        )
        base = image.convert("RGBA" if transparent else "RGB")
    width, height = base.size
    fallback_format = "PNG" if transparent else "JPEG"
    folder = posixpath.join(RENDITIONS_FOLDER, posixpath.splitext(name)[0])
    renditions = {
        "width": width,
        "height": height,
        "webp": [],
        "fallback": [],
        "fallback_type": CONTENT_TYPES[fallback_format],
    }
    for size in [w for w in RENDITION_WIDTHS if w <= width] or [width]:
        new_size = (size, max(1, round(height * size / width)))
        resized = base.resize(new_size, PillowImage.Resampling.LANCZOS, reducing_gap=3.0)
        for key, image_format in (("webp", "WEBP"), ("fallback", fallback_format)):
            path = posixpath.join(folder, f"{size}w.{EXTENSIONS[image_format]}")
            stored = default_storage.save(path, ContentFile(encode(resized, image_format)))
            renditions[key].append({"name": stored, "width": size, "height": resized.height})
    return renditions


def stored_files(name, renditions):
    """Every file a stored photo has: the photo itself and its renditions."""
    names = [name] if name else []
    for key in ("webp", "fallback"):
        names += [rendition["name"] for rendition in (renditions or {}).get(key, [])]
    return names


# Showing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """What templates/includes/picture.html needs to show a photo."""

    src: str
    width: int
    height: int
    alt: str
    srcset: str = ""
    webp_srcset: str = ""


def srcset(renditions):
    return ", ".join(
        f"{default_storage.url(rendition['name'])} {rendition['width']}w"
        for rendition in renditions
    )


def picture(image, renditions, *, alt, width=None, height=None):
    """The photo at its sizes, or the stored photo alone if it has no renditions yet
    (photos stored before renditions existed). `width`/`height` are the photo's own."""
    if not image:
        return None
    if not (renditions and renditions.get("fallback")):
        return Picture(src=image.url, width=width, height=height, alt=alt)
    largest = renditions["fallback"][-1]
    return Picture(
        src=default_storage.url(largest["name"]),
        width=largest["width"],
        height=largest["height"],
        alt=alt,
        srcset=srcset(renditions["fallback"]),
        webp_srcset=srcset(renditions["webp"]),
    )


# The picture model ------------------------------------------------------------------

DEFAULT_FOLDER = "images/%Y/"


def upload_path(image, filename):
    """Where a new picture's file is stored. The model that shows it may name a folder
    (`upload_folder`, e.g. "news/%Y/"), so its files stay where they always were."""
    folder = getattr(image, "upload_folder", None) or DEFAULT_FOLDER
    return posixpath.join(timezone.now().strftime(folder), filename)


@reversion.register()
class Image(models.Model):
    """A picture: the file, the words that go with it, and the consent for it.

    Kept in the version history, so restoring an earlier version of a page also
    restores the words its picture had then. Replacing the file makes a new
    Image (see PictureForm): the old one stays, and restoring brings it back.
    """

    file = ImageField(
        "picture",
        upload_to=upload_path,
        width_field="width",
        height_field="height",
        validators=[validate_image],
        help_text="A JPEG, PNG or WebP. Where and how it was taken "
        "(location, camera details) is removed when it is saved.",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt = models.CharField(
        "description (alt text)",
        max_length=250,
        blank=True,
        help_text="Describe the picture for people who cannot see it. "
        "Required unless you tick “decorative”.",
    )
    is_decorative = models.BooleanField(
        "the picture is decorative",
        default=False,
        help_text="Tick only if the picture adds nothing a reader would miss; "
        "screen readers will skip it.",
    )
    caption = models.CharField(
        max_length=300, blank=True, help_text="Shown under the picture, e.g. who is in it."
    )
    credit = models.CharField(max_length=200, blank=True, help_text="Who took it, if known.")
    shows_people = models.BooleanField(
        "the picture shows people",
        default=True,
        help_text="Untick only if nobody can be recognised in the picture.",
    )
    consent_recorded = models.BooleanField(
        "consent recorded for everyone pictured",
        default=False,
        help_text="Required before a picture of people can be published. "
        "These may be pictures of children: for a child, a parent or carer gives consent.",
    )
    renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Resized copies of the picture, made when it is saved.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(alt="") | models.Q(is_decorative=True),
                name="image_has_alt_text_or_is_decorative",
                violation_error_message="Describe the picture (alt text), or tick “decorative”.",
            ),
        ]

    def __str__(self):
        if self.is_decorative:
            return f"Decorative picture ({posixpath.basename(self.file.name)})"
        return self.alt or posixpath.basename(self.file.name)

    def save(self, *args, **kwargs):
        # Only a newly chosen file is cleaned and resized; an unchanged one costs one
        # small query. A file this row no longer uses stays in storage (under an
        # unguessable name, linked from nowhere), so restoring a version brings it back.
        if self.file and self.file.name != self._stored_file_name():
            clean = clean_copy(self.file)
            self.file.save(clean.name, clean, save=False)
            self.renditions = make_renditions(self.file.name)
        super().save(*args, **kwargs)

    def _stored_file_name(self):
        if self.pk is None:
            return ""
        stored = Image.objects.filter(pk=self.pk).values_list("file", flat=True)
        return stored.first() or ""

    def clean(self):
        super().clean()
        if not self.is_decorative and not self.alt.strip():
            raise ValidationError(
                {"alt": "Describe the picture for people who cannot see it, or tick “decorative”."}
            )
        if self.needs_consent and any(item.picture_goes_public() for item in self.shown_by()):
            raise ValidationError(
                {
                    "consent_recorded": "This picture is on a published page and shows people: "
                    "record consent from everyone in it (for a child, from a parent or carer). "
                    "If nobody can be recognised, untick “the picture shows people”."
                }
            )

    def shown_by(self):
        """The items that show this picture (a press release, an Easy Read point...)."""
        if self.pk is None:
            return []
        return [
            item
            for relation in self._meta.related_objects
            if issubclass(relation.related_model, HasPicture)
            for item in relation.related_model._default_manager.filter(
                **{relation.field.name: self}
            )
        ]

    @property
    def needs_consent(self):
        """True while it shows people whose consent is not recorded."""
        return self.shows_people and not self.consent_recorded

    @property
    def alt_text(self):
        """What the `alt` attribute says: nothing for a decorative picture."""
        return "" if self.is_decorative else self.alt

    @cached_property
    def picture(self):
        """The picture as pages show it (see templates/includes/picture.html)."""
        return picture(
            self.file, self.renditions, alt=self.alt_text, width=self.width, height=self.height
        )

    @property
    def stored_files(self):
        return stored_files(self.file.name, self.renditions)


# Models that show a picture ---------------------------------------------------------


class HasPicture(models.Model):
    """A model that shows one picture: a press release's photo, an Easy Read point's.

    The model declares its own `image` foreign key to Image (its own words for
    editors: "photo", "picture"), and says when its picture goes public
    (`picture_goes_public`), what an editor is told when the alt text or the
    consent is missing, and which folder new files go in (`picture_folder`).
    """

    picture_folder = DEFAULT_FOLDER

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        image = self.image
        if image is None:
            return
        if not image.is_decorative and not image.alt.strip():
            raise ValidationError({"image_alt": self.missing_alt_message()})
        # These may be pictures of children: one that shows people is never public
        # without consent. Drafts may be saved before consent is in, as work goes on.
        if image.needs_consent and self.picture_goes_public():
            raise ValidationError({"image_consent_recorded": self.missing_consent_message()})

    def picture_goes_public(self):
        """True when saving this would publish the picture (now or at a scheduled time)."""
        raise NotImplementedError

    def missing_alt_message(self):
        return "Describe the picture for people who cannot see it, or tick “decorative”."

    def missing_consent_message(self):
        raise NotImplementedError

    @property
    def picture(self):
        """The picture as pages show it, or None (see templates/includes/picture.html)."""
        return self.image.picture if self.image is not None else None
