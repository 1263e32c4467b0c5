"""Line charts drawn on the server as SVG: no script and no library, readable with a table.

A chart gives each line its own colour, dash pattern and marker, so colour is never the only
difference, and every colour has at least 3:1 contrast with a white background (WCAG 1.4.11).
Pages show the same figures in a table beside the picture.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# (colour, dash pattern, marker), used in this order.
PALETTE = [
    ("#1d70b8", "", "circle"),
    ("#912b88", "8 4", "square"),
    ("#00703c", "2 4", "triangle"),
    ("#d4351c", "12 4 2 4", "circle"),
]
WIDTH, HEIGHT = 640, 340
LEFT, RIGHT, TOP, BOTTOM = 112, 24, 84, 40


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    value: float

    @property
    def box_x(self) -> str:
        return f"{self.x - 5:.1f}"

    @property
    def box_y(self) -> str:
        return f"{self.y - 5:.1f}"

    @property
    def triangle(self) -> str:
        return (
            f"{self.x:.1f},{self.y - 6:.1f} {self.x - 6:.1f},{self.y + 5:.1f} "
            f"{self.x + 6:.1f},{self.y + 5:.1f}"
        )


@dataclass(frozen=True)
class ChartSeries:
    name: str
    label: str
    colour: str
    dash: str
    marker: str
    # Lines join neighbouring columns that have a value; a gap stays a gap.
    lines: list[str]
    points: list[ChartPoint]
    # The legend is a column above the plot, so longer translations still fit.
    legend_y: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: list[ChartSeries]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int, str]]
    plot_left: int
    plot_right: int
    plot_bottom: float


def line_chart(
    *,
    series: Sequence[tuple[str, str]],
    columns: Sequence[tuple[str, Mapping[str, float] | None]],
    y_ticks: Sequence[tuple[int, str]],
) -> Chart:
    """Where each value goes on a line chart, one step per column.

    `series` are (name, label) pairs, styled from PALETTE in order; `columns` are (x label,
    values by series name), with None for a column that has no values; `y_ticks` are
    (value, label) pairs from the lowest value up.
    """
    low, high = y_ticks[0][0], y_ticks[-1][0]
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    count = len(columns)
    step = plot_width / (count - 1) if count > 1 else 0

    def x_for(index: int) -> float:
        return LEFT + (index * step if count > 1 else plot_width / 2)

    def y_for(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_height

    drawn = []
    for position, (name, label) in enumerate(series):
        colour, dash, marker = PALETTE[position % len(PALETTE)]
        points: list[ChartPoint] = []
        lines: list[str] = []
        run: list[ChartPoint] = []
        for index, (_x_label, values) in enumerate(columns):
            if values is None:
                if len(run) > 1:
                    lines.append(" ".join(f"{p.x:.1f},{p.y:.1f}" for p in run))
                run = []
                continue
            point = ChartPoint(x=x_for(index), y=y_for(values[name]), value=values[name])
            points.append(point)
            run.append(point)
        if len(run) > 1:
            lines.append(" ".join(f"{p.x:.1f},{p.y:.1f}" for p in run))
        drawn.append(
            ChartSeries(
                name=name,
                label=label,
                colour=colour,
                dash=dash,
                marker=marker,
                lines=lines,
                points=points,
                legend_y=18 + position * 22,
            )
        )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        series=drawn,
        x_labels=[(x_for(index), x_label) for index, (x_label, _values) in enumerate(columns)],
        y_ticks=[(y_for(value), value, label) for value, label in y_ticks],
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=y_for(low),
    )
