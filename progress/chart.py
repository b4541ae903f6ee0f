"""The progress chart: stacked bars, one per priority, drawn on the server as SVG.

The geometry is worked out here and drawn by templates/progress/chart.html, so the
page needs no JavaScript, and the numbers drawn are the numbers in the table that
follows the chart (a test checks that they agree).
"""

from dataclasses import dataclass, field

WIDTH = 640  # viewBox units; the SVG scales to the column
LABEL_HEIGHT = 28
BAR_HEIGHT = 30
ROW_GAP = 16
BAR_LENGTH = 520  # the longest bar; the rest of the row holds its total
MIN_WIDTH_FOR_NUMBER = 30  # narrower segments show their number in the table only


@dataclass
class Segment:
    status: str
    label: str
    count: int
    x: float
    width: float

    @property
    def css(self):
        return self.status.replace("_", "-")

    @property
    def shows_number(self):
        return self.width >= MIN_WIDTH_FOR_NUMBER

    @property
    def middle(self):
        return round(self.x + self.width / 2, 1)


@dataclass
class Bar:
    label: str
    total: int
    y: float
    segments: list = field(default_factory=list)

    @property
    def label_y(self):
        return self.y + 20

    @property
    def bar_y(self):
        return self.y + LABEL_HEIGHT

    @property
    def text_y(self):
        return self.bar_y + BAR_HEIGHT / 2 + 5

    @property
    def end_x(self):
        return round(sum(segment.width for segment in self.segments) + 8, 1)


@dataclass
class Chart:
    bars: list
    width: int = WIDTH
    height: float = 0
    bar_height: int = BAR_HEIGHT


LABEL_LENGTH = 40


def truncate(text):
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1].rstrip() + "…"


def stacked_bars(progress):
    """A bar per priority (its deliverables, split by status), to a common scale
    so that bars can be compared. `progress` is a list of PriorityProgress."""
    longest = max((row.total for row in progress), default=0) or 1
    scale = BAR_LENGTH / longest
    bars = []
    y = 0
    for row in progress:
        bar = Bar(
            # Short enough to stay inside the chart when a phone shows its text larger.
            label=truncate(f"Priority {row.priority.number}: {row.priority.short_title}"),
            total=row.total,
            y=y,
        )
        x = 0.0
        for count in row.counts:
            if count.count:
                width = round(count.count * scale, 1)
                bar.segments.append(
                    Segment(count.status, count.label, count.count, round(x, 1), width)
                )
                x += width
        bars.append(bar)
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    return Chart(bars=bars, height=max(y - ROW_GAP, 0))
