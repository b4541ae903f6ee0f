"""The Easy Read rules, for the content checks: each point is one idea (one sentence)
in 15 words or fewer, with a picture beside it. Imported by EasyReadConfig.ready()."""

from contentchecks import registry
from contentchecks.checks import Finding
from contentchecks.text import opening, sentences, words

from .models import EasyReadVersion

POINT_WORDS = 15


def point_findings(version):
    """Findings about the version's points, as saved: one a rule, listing the points."""
    points = list(version.points.all()) if version.pk else []
    long = [point for point in points if len(words(point.text)) > POINT_WORDS]
    two_ideas = [point for point in points if len(sentences(point.text)) > 1]
    no_picture = [point for point in points if point.image_id is None]
    findings = []
    if long:
        findings.append(
            Finding(
                "easy-read-long-point",
                f"{counted(long)} more than {POINT_WORDS} words. Easy Read points are "
                "short: say one thing in a few everyday words.",
                tuple(opening(point.text, 10) for point in long),
                label="Long point",
            )
        )
    if two_ideas:
        findings.append(
            Finding(
                "easy-read-two-ideas",
                f"{counted(two_ideas)} more than one sentence. One idea a point: give "
                "each sentence a point of its own.",
                tuple(opening(point.text, 10) for point in two_ideas),
                label="More than one idea",
            )
        )
    if no_picture:
        findings.append(
            Finding(
                "easy-read-no-picture",
                f"{counted(no_picture)} no picture. In Easy Read, a picture beside each "
                "point helps readers understand it.",
                tuple(opening(point.text, 10) for point in no_picture),
                label="No picture",
            )
        )
    return findings


def counted(points):
    return "1 point has" if len(points) == 1 else f"{len(points)} points have"


registry.register_item_check(EasyReadVersion, "Easy Read points", point_findings)
registry.register_text_fields(EasyReadVersion, "intro")
