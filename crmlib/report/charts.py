"""Charts of the report, in one seaborn style that reads well in print."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from html import escape

import matplotlib

matplotlib.use("Agg")  # headless: the build has no screen

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from IPython.display import HTML  # noqa: E402
from PIL import Image  # noqa: E402

from crmlib import formatting as fmt  # noqa: E402

PALETTE = "crest"
ACCENT = "#1f5f8b"
# Every chart prints across the report's text column (A4 less the margins and padding in report.css: 170 mm),
# at the 150 pixels per inch that office printing needs: 1004 pixels. More only make the PDF slower to print.
PRINTED_PIXELS = round(150 * 170 / 25.4)


def setup() -> None:
    """Apply the report's chart style."""
    sns.set_theme(context="paper", style="whitegrid", font="DejaVu Sans", font_scale=1.1)
    # Names from the data are plain text: a '$' in a unit name must not start TeX math.
    plt.rcParams.update({"figure.dpi": 100, "axes.titleweight": "bold", "text.parse_math": False})


def _figure(width: float, height: float) -> tuple[plt.Figure, plt.Axes]:
    """A figure of that size in inches, at the resolution it prints at (see :func:`to_html`)."""
    # Laid out at the resolution it is drawn at, a figure measures its labels once: the layout's text
    # measurements are reused by the drawing, not made again at another resolution.
    return plt.subplots(figsize=(width, height), dpi=_print_dpi(width))


def _print_dpi(width: float) -> float:
    return (PRINTED_PIXELS + 0.5) / width  # + 0.5: the canvas truncates to whole pixels


def bar_chart(labels: pd.Series, counts: pd.Series, title: str, xlabel: str = "Jumlah aduan") -> plt.Figure:
    """Horizontal bars, largest on top, each labelled with its count."""
    setup()
    names, values = labels.astype(str).to_numpy(), counts.astype(int).to_numpy()
    fig, ax = _figure(8, 0.45 * len(names) + 1.2)
    bars = ax.barh(np.arange(len(names)), values, height=0.8, color=_bar_colors(sns.color_palette(PALETTE, len(names))))
    _categories(ax, "y", names)
    ax.bar_label(bars, padding=3)
    ax.set(title=title, xlabel=xlabel, ylabel="")
    ax.margins(x=0.12)
    fig.tight_layout()
    return fig


# Bar charts are drawn as seaborn's categorical bar plot draws them (bars 0.8 wide and colours at 75% saturation,
# the first category on top, no grid lines across the categories) with plain matplotlib, without its per-bar overhead.
def _bar_colors(colors: list) -> list:
    return [sns.desaturate(color, 0.75) for color in colors]


def _categories(ax: plt.Axes, axis: str, names: np.ndarray) -> None:
    """A categorical axis as seaborn sets one: a tick per name, half a step of margin, no grid lines."""
    if not len(names):
        return
    positions, span = np.arange(len(names)), (-0.5, len(names) - 0.5)
    if axis == "y":
        ax.set_yticks(positions, names)
        ax.set_ylim(span[::-1])  # the first category on top
        ax.yaxis.grid(False)
    else:
        ax.set_xticks(positions, names)
        ax.set_xlim(span)
        ax.xaxis.grid(False)


def histogram_chart(histogram: pd.DataFrame, title: str) -> plt.Figure:
    """Columns of the completion-time histogram (labels '0-10', '11-20', ...)."""
    setup()
    fig, ax = _figure(8, 3.6)
    bars = ax.bar(np.arange(len(histogram)), histogram["count"].to_numpy(), width=0.8, color=_bar_colors([ACCENT]))
    _categories(ax, "x", histogram["label"].astype(str).to_numpy())
    ax.bar_label(bars, padding=2)
    ax.set(title=title, xlabel="Waktu penyelesaian (jam)", ylabel="Jumlah aduan")
    ax.margins(y=0.12)
    fig.tight_layout()
    return fig


def pie_chart(labels: pd.Series, counts: pd.Series, title: str, max_wedges: int = 6) -> plt.Figure:
    """A pie of shares with a legend 'name, count'; beyond max_wedges the smallest merge into 'Lainnya'."""
    setup()
    data = pd.DataFrame({"label": labels.astype(str).to_numpy(), "count": counts.astype(int).to_numpy()})
    data = data.sort_values("count", ascending=False, kind="stable")
    if len(data) > max_wedges:
        rest = int(data["count"].iloc[max_wedges - 1:].sum())
        data = pd.concat([data.head(max_wedges - 1), pd.DataFrame({"label": ["Lainnya"], "count": [rest]})])
    fig, ax = _figure(7.5, 4.2)
    wedges, _ = ax.pie(data["count"], colors=sns.color_palette(PALETTE, len(data)), startangle=90,
                       counterclock=False, wedgeprops={"linewidth": 1, "edgecolor": "white"})
    ax.legend(wedges, [f"{name}, {count}" for name, count in zip(data["label"], data["count"])],
              loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.set(title=title, aspect="equal")
    fig.tight_layout()
    return fig


def funnel_chart(table: pd.DataFrame, title: str, ylabel: str = "Porsi direspon tepat waktu", *,
                 name_outside: bool = False) -> plt.Figure:
    """Each kelurahan's share (0-1) against its complaints, with the 95% and 99.8% limits around the city's share;
    ``name_outside`` writes the name beside each dot outside the 99.8% limits (the explorer's view).

    ``table`` comes from :func:`crmlib.metrics.fair_comparison.response_funnel`.
    """
    from crmlib.metrics.fair_comparison import FUNNEL_LEVELS, funnel_limits

    setup()
    fig, ax = _figure(8, 4.2)
    city_share = float(table["city_share"].iloc[0]) if len(table) else float("nan")
    n = np.arange(1, max(int(table["complaints"].max()) if len(table) else 1, 2) + 1)
    for level, style in zip(FUNNEL_LEVELS, ("--", ":")):
        limits = funnel_limits(n, city_share, level)
        ax.step(n, limits["lower"], where="mid", color="grey", linestyle=style,
                label=f"batas {fmt.number(level * 100, 1).removesuffix(',0')}%")
        ax.step(n, limits["upper"], where="mid", color="grey", linestyle=style)
    outside = table["outside_99_8"].astype(bool)
    ax.scatter(table["complaints"], table["share"], color=np.where(outside, "#b00020", ACCENT), zorder=3)
    if name_outside:
        for row in table[outside].itertuples(index=False):
            ax.annotate(str(row.unit), (row.complaints, row.share), xytext=(4, 4), textcoords="offset points",
                        fontsize=7, color="#b00020")
    ax.axhline(city_share, color=ACCENT, linewidth=1, label="kota")
    ax.set(title=title, xlabel="Jumlah aduan", ylabel=ylabel, ylim=(-0.02, 1.02))
    ax.legend(frameon=False, loc="lower right")
    fig.tight_layout()
    return fig


def trend_chart(history: pd.DataFrame, column: str, title: str, ylabel: str,
                marked: Sequence[str] = ()) -> plt.Figure:
    """A line over months (``history`` from :func:`crmlib.metrics.history.monthly_history`); the ``marked`` months
    (a unit's flagged months, in the explorer) are drawn in red and named in the legend."""
    setup()
    fig, ax = _figure(8, 3.2)
    months = history["month"].astype(str)
    ax.plot(months, history[column], marker="o", color=ACCENT)
    flagged = months.isin(list(marked)).to_numpy()
    if flagged.any():
        ax.scatter(months[flagged], history.loc[flagged, column], color="#b00020", s=60, zorder=3,
                   label="bulan dengan catatan tingkat unit")
        ax.legend(frameon=False, loc="upper left")
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.tick_params(axis="x", rotation=45)
    fig.tight_layout()
    return fig


def lines_by_group(long: pd.DataFrame, group: str, column: str, title: str, ylabel: str) -> plt.Figure:
    """One line over months per ``group`` value (a long frame with ``month``, ``group`` and ``column``)."""
    setup()
    fig, ax = _figure(8, 3.6)
    sns.lineplot(data=long.assign(month=long["month"].astype(str)), x="month", y=column, hue=group, marker="o",
                 ax=ax)
    ax.set(title=title, xlabel="", ylabel=ylabel)
    ax.tick_params(axis="x", rotation=45)
    ax.legend(frameon=False, fontsize="small", title=None, bbox_to_anchor=(1.01, 1), loc="upper left")
    fig.tight_layout()
    return fig


def arrival_heatmap(counts: pd.DataFrame, title: str, max_annotated: int = 999) -> plt.Figure:
    """Complaints by day of week (rows, Monday on top) and hour of arrival (columns 0-23), darker for more, an hour
    without complaints light grey; each cell with complaints carries its count while the largest has at most three
    digits (``max_annotated``).

    ``counts`` comes from :func:`crmlib.metrics.arrivals.arrival_counts`.
    """
    setup()
    values = counts.to_numpy(dtype=float)
    fig, ax = _figure(8, 3.6)
    top = max(values.max(initial=0), 1)
    # An hour without complaints (masked) stands apart from one with a few.
    colors = sns.color_palette(PALETTE, as_cmap=True).with_extremes(bad="#f2f2f2")
    mesh = ax.pcolormesh(np.ma.masked_equal(values, 0), cmap=colors, vmin=0, vmax=top, edgecolors="white",
                         linewidth=0.5)
    if values.max(initial=0) <= max_annotated:
        for (row, column), value in np.ndenumerate(values):
            if value:
                ax.text(column + 0.5, row + 0.5, fmt.integer(value), ha="center", va="center", fontsize=7,
                        color="white" if value > 0.55 * top else "#1b1b1b")
    ax.set_xticks(np.arange(values.shape[1]) + 0.5, [str(hour) for hour in counts.columns], fontsize=8)
    ax.set_yticks(np.arange(values.shape[0]) + 0.5, [str(day) for day in counts.index])
    ax.set_ylim(values.shape[0], 0)  # the first day on top
    ax.tick_params(length=0)
    ax.grid(False)
    ax.set(title=title, xlabel="Jam masuk (WIB)", ylabel="")
    fig.colorbar(mesh, ax=ax, label="Jumlah aduan", fraction=0.03, pad=0.02)
    fig.tight_layout()
    return fig


def to_html(fig: plt.Figure, alt: str) -> HTML:
    """Embed a figure as a PNG image, as many pixels wide as it prints, and close it."""
    # Kept as RGB: the figure is opaque, and a PNG without an alpha channel spares the PDF printer a separate
    # transparency mask per chart.
    fig.set_dpi(_print_dpi(fig.get_figwidth()))  # a no-op for the charts above, which are made at it
    fig.canvas.draw()
    image = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).convert("RGB")
    plt.close(fig)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)  # 7% larger than the default 6, and a third faster
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return HTML(f'<figure><img src="data:image/png;base64,{data}" alt="{escape(alt, quote=True)}"/></figure>')
