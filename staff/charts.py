"""Geometry for the dashboard's SVG charts: numbers in, bar positions out (templates draw them)."""
from dataclasses import dataclass

BAR = 22       # height of one horizontal bar, px
GAP = 8        # space between bars
LABEL_W = 150  # room for the labels left of horizontal bars
WIDTH = 340    # the chart's width in user units (scales down with the screen)


@dataclass
class Bar:
    """One bar: what it stands for, its value and where it is drawn."""

    label: str
    value: int
    x: float
    y: float
    w: float
    h: float
    total: int = None  # for "held of capacity" bars: the whole …
    total_w: float = 0  # … and its length


@dataclass
class Chart:
    """A titled chart: its bars, its size and the label of its value column."""

    id: str
    title: str
    bars: list
    width: int
    height: int
    value_label: str
    kind: str = "hbar"

    @property
    def max_value(self):
        """The largest value (1 when empty, to keep the scale finite)."""
        return max([b.total or b.value for b in self.bars] + [1])


def hbars(chart_id, title, rows, value_label, totals=None):
    """Horizontal bars for [(label, value)]; with totals, each bar is value of total."""
    totals = totals or {}
    top = max([totals.get(label, value) for label, value in rows] + [1])
    room = WIDTH - LABEL_W - 60
    bars = [Bar(label, value, LABEL_W, i * (BAR + GAP), room * value / top, BAR, totals.get(label),
                room * totals.get(label, 0) / top) for i, (label, value) in enumerate(rows)]
    return Chart(chart_id, title, bars, WIDTH, max(len(bars) * (BAR + GAP), BAR), value_label)


def columns(chart_id, title, rows, value_label, height=140):
    """Vertical columns for [(label, value)] in order (a time series); labels go under the axis."""
    top = max([value for _, value in rows] + [1])
    step = (WIDTH - 20) / max(len(rows), 1)
    bars = [Bar(label, value, 10 + i * step, height - height * value / top, max(step - 2, 1),
                height * value / top) for i, (label, value) in enumerate(rows)]
    return Chart(chart_id, title, bars, WIDTH, height, value_label, kind="columns")
