"""The progress chart: stacked bars, one per priority, drawn on the server in HTML.

The geometry is worked out here and drawn by templates/progress/includes/chart.html,
so the page needs no JavaScript, and the numbers drawn are the numbers in the table
that follows the chart (a test checks that they agree).

The words and numbers are HTML text at body size, so they keep their size on a phone,
wrap, and follow the reader's text size (an SVG's text shrank with the SVG). Lengths
are whole percentages, drawn by width classes (.app-chart__width-0 to -100 in
_progress.scss): the Content-Security-Policy forbids inline styles.
"""

from dataclasses import dataclass, field

# A number is drawn inside its segment only when the segment is wide enough for it in
# the reader's browser (a CSS container query), which depends on how many digits it has.
MOST_DIGITS = 4


@dataclass
class Segment:
    status: str
    label: str
    count: int
    width: int  # percent of its bar

    @property
    def css(self):
        return self.status.replace("_", "-")

    @property
    def digits(self):
        return min(len(str(self.count)), MOST_DIGITS)


@dataclass
class Bar:
    label: str
    total: int
    length: int  # percent of the longest bar
    segments: list = field(default_factory=list)


@dataclass
class Chart:
    bars: list


def whole_percentages(parts, whole):
    """Each part as a whole percentage of `whole`. Each boundary is rounded, not each
    width, so the parts add up to exactly 100: a bar's segments never fall short of
    its end or run past it."""
    widths, done, edge = [], 0, 0
    for part in parts:
        done += part
        next_edge = round(100 * done / whole)
        widths.append(next_edge - edge)
        edge = next_edge
    return widths


def stacked_bars(progress):
    """A bar per priority (its deliverables, split by status), to a common scale
    so that bars can be compared. `progress` is a list of PriorityProgress."""
    longest = max((row.total for row in progress), default=0) or 1
    bars = []
    for row in progress:
        bar = Bar(
            label=f"Priority {row.priority.number}: {row.priority.short_title}",
            total=row.total,
            length=round(100 * row.total / longest),
        )
        counts = [count for count in row.counts if count.count]
        widths = whole_percentages([count.count for count in counts], row.total)
        for count, width in zip(counts, widths, strict=True):
            bar.segments.append(Segment(count.status, count.label, count.count, width))
        bars.append(bar)
    return Chart(bars=bars)
