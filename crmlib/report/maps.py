"""Maps of the report: kelurahan choropleths in a few classes and the density of geotags, drawn from the shipped
boundaries with matplotlib on a plane in metres. No basemap tiles: builds are offline and must be reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.patheffects as effects
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import PathCollection
from matplotlib.patches import Circle, Patch
from matplotlib.path import Path as MplPath

from crmlib import formatting as fmt
from crmlib.geometry import degrees_xy, metres_shape, metres_xy
from crmlib.ingest import boundaries
from crmlib.ingest.areas import CITY_CODES

NO_DATA = "#c8c8c8"
COUNT_COLORS = ("#f7f4f0", "#fde0a6", "#fdae61", "#f46d43", "#d73027", "#a50026")  # 0, then 5 classes
SHARE_COLORS = ("#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850")
# Shares responded within the rule, in percent: the lower edge of each class.
SHARE_EDGES = (0.0, 50.0, 70.0, 85.0, 95.0)
COUNT_CLASSES = 5
# An area whose polygons fill less than this share of its map's frame is islands: drawn with a wide border in
# their own colour, so that each reads as a spot at the map's scale.
ISLANDS_SHARE = 0.02
MAP_WIDTH = 7.0  # inches, the report's text column
TITLE_INCHES = 0.35  # the band above the map that holds its title
LEGEND_INCHES = 1.3  # the band right of a city's map that holds its legend, so that it covers no kelurahan
# The explorer's map: the selected unit's outline and flagged geotags in one colour; a hotspot's ring at least
# this wide, so that a tight one stays visible.
UNIT_COLOR = "#1f5f8b"
MIN_RING_METRES = 120.0
# Density cells: 500 m, a few blocks, on a city's mainland; wider on a map that spans the islands.
CELL_METRES = 500.0
MAX_CELLS_ACROSS = 60
# Cells by how many geotags they hold, in classes that double (most cells hold one or two geotags, a few many):
# light to dark, the lightest still clear on the grey kelurahan.
DENSITY_COLORS = ("#fdd49e", "#fdbb84", "#fc8d59", "#d7301f", "#7f0000")


def count_classes(counts: pd.Series, classes: int = COUNT_CLASSES) -> list[tuple[int, int]]:
    """Up to ``classes`` whole-number classes (low, high) for the positive counts, by quantiles, so each holds
    about as many kelurahan; 0 is a class of its own (see :func:`count_labels`).

    >>> count_classes(pd.Series([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
    [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
    >>> count_classes(pd.Series([0, 4, 4, 4]))
    [(4, 4)]
    """
    positive = np.sort(counts[counts > 0].to_numpy())
    if positive.size == 0:
        return []
    # Upper edges at the quantiles, as whole numbers that split the sorted counts; repeated edges merge.
    n = len(positive)
    uppers = sorted({int(positive[-(-n * i // classes) - 1]) for i in range(1, classes + 1)})
    lows = [int(positive[0])] + [u + 1 for u in uppers[:-1]]
    return list(zip(lows, uppers))


def doubling_classes(counts: pd.Series, classes: int = len(DENSITY_COLORS)) -> list[tuple[int, int]]:
    """Classes 1, 2-3, 4-7, ... (each twice the last), the last open up to the largest count.

    >>> doubling_classes(pd.Series([1, 1, 2, 9])), doubling_classes(pd.Series([1, 40]), 3)
    ([(1, 1), (2, 3), (4, 7), (8, 9)], [(1, 1), (2, 3), (4, 40)])
    """
    largest = int(counts.max()) if len(counts) else 0
    lows = [low for low in (2 ** i for i in range(classes)) if low <= largest]
    return [(low, 2 * low - 1) for low in lows[:-1]] + ([(lows[-1], largest)] if lows else [])


def classify_counts(counts: pd.Series, classes: Sequence[tuple[int, int]]) -> pd.Series:
    """Each count's class: 0 for none, then 1.. for the classes of :func:`count_classes`."""
    index = np.zeros(len(counts), dtype=int)
    for i, (low, high) in enumerate(classes, start=1):
        index[((counts >= low) & (counts <= high)).to_numpy()] = i
    return pd.Series(index, index=counts.index)


def count_labels(classes: Sequence[tuple[int, int]]) -> list[str]:
    """Legend words of the count classes, 0 first: ``['0', '1-4', '5']``."""
    return ["0"] + [fmt.integer(low) if low == high else f"{fmt.integer(low)}-{fmt.integer(high)}"
                    for low, high in classes]


def classify_shares(shares: pd.Series) -> pd.Series:
    """Each share's class by :data:`SHARE_EDGES` (0 for below 50%), -1 where it is missing (too few)."""
    index = np.searchsorted(SHARE_EDGES, shares.fillna(0).to_numpy(), side="right") - 1
    return pd.Series(np.where(shares.isna(), -1, index), index=shares.index)


def share_labels() -> list[str]:
    """Legend words of the share classes: ``['< 50%', '50-70%', ...]``."""
    edges = [fmt.number(e, 0) for e in SHARE_EDGES]
    return [f"< {edges[1]}%"] + [f"{low}-{high}%" for low, high in zip(edges[1:-1], edges[2:])] + [f"≥ {edges[-1]}%"]


def _path(geometry: shapely.Geometry) -> MplPath:
    """A polygon or multipolygon (with holes) as one matplotlib path."""
    vertices, codes = [], []
    for polygon in getattr(geometry, "geoms", [geometry]):
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring.coords)
            vertices.append(xy)
            codes.append(np.r_[MplPath.MOVETO, np.full(len(xy) - 2, MplPath.LINETO), MplPath.CLOSEPOLY])
    return MplPath(np.concatenate(vertices), np.concatenate(codes).astype(np.uint8))


def area_shapes(level: boundaries.Level, prefix: str) -> pd.DataFrame:
    """The level's areas whose code starts with ``prefix`` (a city's '31.75', or '31' for all), in metres."""
    shapes = boundaries.shapes(level)
    shapes = shapes[shapes["code"].str.startswith(prefix)].reset_index(drop=True)
    shapes["geometry"] = metres_shape(shapes["geometry"].to_numpy())
    return shapes


def _islands(shapes: pd.DataFrame) -> bool:
    x0, y0, x1, y1 = shapely.total_bounds(shapes["geometry"].to_numpy())
    return bool(shapely.area(shapes["geometry"].to_numpy()).sum() < ISLANDS_SHARE * (x1 - x0) * (y1 - y0))


def _draw_areas(ax: plt.Axes, shapes: pd.DataFrame, colors: Sequence[str], *, edge: str = "white",
                width: float = 0.4) -> None:
    paths = [_path(g) for g in shapes["geometry"]]
    if _islands(shapes):  # a wide border in their own colour, then a thin dark one around it
        ax.add_collection(PathCollection(paths, facecolors=colors, edgecolors=colors, linewidths=5))
        ax.add_collection(PathCollection(paths, facecolors="none", edgecolors="#555555", linewidths=0.3))
    else:
        ax.add_collection(PathCollection(paths, facecolors=colors, edgecolors=edge, linewidths=width))


def _draw_borders(ax: plt.Axes, borders: pd.DataFrame, *, width: float, names: bool, size: float = 6.5) -> None:
    if width:
        ax.add_collection(PathCollection([_path(g) for g in borders["geometry"]], facecolors="none",
                                         edgecolors="#333333", linewidths=width))
    if names:
        halo = [effects.withStroke(linewidth=2, foreground="white")]
        for name, geometry in zip(borders["name"], borders["geometry"]):
            point = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area).representative_point()
            ax.annotate(name, (point.x, point.y), ha="center", va="center", fontsize=size, color="#222222",
                        path_effects=halo)


def _draw_names_and_borders(ax: plt.Axes, kelurahan: pd.DataFrame, kecamatan: pd.DataFrame) -> None:
    if _islands(kelurahan):
        _draw_borders(ax, kelurahan, width=0, names=True, size=7)
    else:
        _draw_borders(ax, kecamatan, width=0.9, names=True)


def _frame(ax: plt.Axes, shapes: pd.DataFrame, margin: float = 0.03) -> None:
    x0, y0, x1, y1 = shapely.total_bounds(shapes["geometry"].to_numpy())
    pad = margin * max(x1 - x0, y1 - y0)
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _figure(shapes: pd.DataFrame) -> tuple[plt.Figure, plt.Axes]:
    x0, y0, x1, y1 = shapely.total_bounds(shapes["geometry"].to_numpy())
    height = float(np.clip(MAP_WIDTH * (y1 - y0) / (x1 - x0), 3.5, 5.5))
    fig = plt.figure(figsize=(MAP_WIDTH, height), dpi=100)
    # A fixed frame, not a measured layout: the map has no axis labels to make room for, and measuring text is
    # most of what a layout engine would cost here.
    ax = fig.add_axes((0.01, 0.01, 1 - LEGEND_INCHES / MAP_WIDTH - 0.01, 1 - TITLE_INCHES / height - 0.01))
    return fig, ax


def _title(fig: plt.Figure, title: str) -> None:
    fig.text(0.5, 1 - 0.08 / fig.get_figheight(), title, ha="center", va="top", fontsize=10, fontweight="bold")


def _legend(ax: plt.Axes, colors: Sequence[str], labels: Sequence[str], title: str, *, inside: bool = False) -> None:
    """The classes' legend: right of the map (in the band :func:`_figure` leaves), or inside its lower right."""
    where = {"loc": "lower right"} if inside else {"loc": "lower left", "bbox_to_anchor": (1.0, 0.0)}
    ax.legend(handles=[Patch(facecolor=color, edgecolor="#777777", linewidth=0.4, label=label)
                       for color, label in zip(colors, labels)],
              title=title, fontsize=7.5, title_fontsize=8, frameon=True, framealpha=0.9, **where)


def choropleth(kelurahan: pd.DataFrame, colors: Sequence[str], kecamatan: pd.DataFrame, legend_colors: Sequence[str],
               legend_labels: Sequence[str], legend_title: str, title: str) -> plt.Figure:
    """A city's kelurahan in their class colours (``colors`` in the order of ``kelurahan``'s rows), kecamatan
    borders and names over them (islands: the kelurahan's names, their borders being the sea), and the legend."""
    fig, ax = _figure(kelurahan)
    _draw_areas(ax, kelurahan, colors)
    _draw_names_and_borders(ax, kelurahan, kecamatan)
    _frame(ax, kelurahan)
    _legend(ax, legend_colors, legend_labels, legend_title)
    _title(fig, title)
    return fig


def province_choropleth(kelurahan: pd.DataFrame, colors: Sequence[str], cities: pd.DataFrame,
                        legend_colors: Sequence[str], legend_labels: Sequence[str], legend_title: str,
                        title: str) -> plt.Figure:
    """All of DKI Jakarta's kelurahan with the city borders: the mainland, and beside it Kepulauan Seribu at its
    own scale (its islands lie up to 80 km north, too small to read at the mainland's)."""
    islands = kelurahan["code"].str.startswith("31.01.").to_numpy()
    fig, (left, ax) = plt.subplots(1, 2, figsize=(MAP_WIDTH, 5.6), dpi=100, width_ratios=(1, 3.2))
    colors = np.asarray(colors, dtype=object)
    _draw_areas(ax, kelurahan[~islands], colors[~islands])
    mainland = cities[~cities["code"].eq("31.01")]
    _draw_borders(ax, mainland.assign(name=mainland["name"].str.replace(r"^Kota Administrasi ", "", regex=True)),
                  width=1.2, names=True, size=8)
    _frame(ax, kelurahan[~islands])
    _draw_areas(left, kelurahan[islands], colors[islands])
    _frame(left, kelurahan[islands], margin=0.08)
    left.set_axis_on()
    left.set(xticks=[], yticks=[])
    left.set_title("Kepulauan Seribu\n(skala sendiri)", fontsize=8)
    _legend(ax, legend_colors, legend_labels, legend_title, inside=True)
    _title(fig, title)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=1 - TITLE_INCHES / fig.get_figheight() - 0.01,
                        wspace=0.03)
    return fig


def cell_metres(shapes: pd.DataFrame) -> float:
    """The width of a density cell: :data:`CELL_METRES`, or a :data:`MAX_CELLS_ACROSS`-th of a wide map (the
    islands), whole hundreds of metres."""
    x0, _, x1, _ = shapely.total_bounds(shapes["geometry"].to_numpy())
    return float(max(CELL_METRES, 100 * np.ceil((x1 - x0) / MAX_CELLS_ACROSS / 100)))


def hex_grid(shapes: pd.DataFrame, width: float) -> tuple[int, int]:
    """Hexagons across and up for cells ``width`` metres wide over the map's frame, near regular on the plane."""
    x0, y0, x1, y1 = shapely.total_bounds(shapes["geometry"].to_numpy())
    across = max(1, int(np.ceil((x1 - x0) / width)))
    return across, max(1, int(round(across * (y1 - y0) / (x1 - x0) / np.sqrt(3))))


def cell_summary(cells: pd.DataFrame) -> dict[str, int]:
    """The geotags on the density map and the count of its densest cell.

    >>> cell_summary(pd.DataFrame({"complaints": [3, 1, 5]}))
    {'geotagged': 9, 'densest': 5}
    """
    return {"geotagged": int(cells["complaints"].sum()), "densest": int(cells["complaints"].max()) if len(cells) else 0}


def density(kelurahan: pd.DataFrame, kecamatan: pd.DataFrame, longitude: pd.Series, latitude: pd.Series,
            width: float, title: str) -> tuple[plt.Figure, pd.DataFrame, pd.DataFrame]:
    """The geotags counted in hexagonal cells ``width`` metres wide (:func:`hex_grid`) over the grey kelurahan,
    coloured in count classes, with kecamatan borders; and the numbers drawn: each non-empty cell's centre
    (``longitude``, ``latitude``) and ``complaints``, and the classes (:func:`doubling_classes`) with their cells."""
    fig, ax = _figure(kelurahan)
    _draw_areas(ax, kelurahan, ["#e6e6e6"] * len(kelurahan), edge="#bbbbbb", width=0.3)
    x0, y0, x1, y1 = shapely.total_bounds(kelurahan["geometry"].to_numpy())
    # An empty month draws an empty grid: the map still shows the city.
    xy = metres_xy(longitude, latitude) if len(longitude) else np.full((1, 2), np.nan)
    drawn = ax.hexbin(xy[:, 0], xy[:, 1], gridsize=hex_grid(kelurahan, width), extent=(x0, x1, y0, y1), mincnt=1,
                      linewidths=0.2, edgecolors="white", zorder=3)
    counts = pd.Series(np.asarray(drawn.get_array(), dtype=int))
    bins = doubling_classes(counts)
    index = classify_counts(counts, bins).to_numpy()
    drawn.set_array(None)
    drawn.set_facecolor([DENSITY_COLORS[i - 1] for i in index])
    classes = pd.DataFrame({"label": count_labels(bins)[1:], "low": [b[0] for b in bins], "high": [b[1] for b in bins],
                            "cells": [int((index == i).sum()) for i in range(1, len(bins) + 1)]})
    _draw_names_and_borders(ax, kelurahan, kecamatan)
    _frame(ax, kelurahan)
    if len(classes):
        _legend(ax, DENSITY_COLORS[:len(classes)], classes["label"].tolist(), "Aduan per sel")
    _title(fig, title)
    longitude, latitude = degrees_xy(np.asarray(drawn.get_offsets()).reshape(-1, 2))
    cells = pd.DataFrame({"longitude": longitude.round(5), "latitude": latitude.round(5), "complaints": counts})
    return fig, cells.sort_values(["latitude", "longitude"], ignore_index=True), classes


def city_shapes(city: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A city's kelurahan and kecamatan (code order, in metres): what its maps draw."""
    prefix = CITY_CODES[city] + "."
    return area_shapes("kelurahan", prefix), area_shapes("kecamatan", prefix)


def province_shapes() -> tuple[pd.DataFrame, pd.DataFrame]:
    """DKI Jakarta's kelurahan and cities (code order, in metres): what the province's maps draw."""
    return area_shapes("kelurahan", "31."), area_shapes("kota", "31.")


def complaint_classes(measures: pd.DataFrame) -> pd.DataFrame:
    """The count classes of the kelurahan's complaints (:func:`count_classes`, 0 first): ``label``, ``low``,
    ``high`` and how many ``kelurahan`` fall in each."""
    classes = [(0, 0), *count_classes(measures["complaints"])]
    index = classify_counts(measures["complaints"], classes[1:])
    return pd.DataFrame({"label": count_labels(classes[1:]), "low": [c[0] for c in classes],
                         "high": [c[1] for c in classes],
                         "kelurahan": [int((index == i).sum()) for i in range(len(classes))]})


def complaint_map(measures: pd.DataFrame, kelurahan: pd.DataFrame, borders: pd.DataFrame,
                  classes: pd.DataFrame, title: str, *, province: bool = False) -> plt.Figure:
    """The choropleth of complaints per kelurahan in the classes of :func:`complaint_classes`; ``borders`` are the
    kecamatan of a city, or the cities for the ``province``'s map (:func:`province_choropleth`)."""
    index = classify_counts(measures["complaints"], list(zip(classes["low"][1:], classes["high"][1:])))
    colors = COUNT_COLORS[:len(classes)]
    draw = province_choropleth if province else choropleth
    return draw(kelurahan, [colors[i] for i in _aligned(index, measures, kelurahan)], borders, colors,
                classes["label"].tolist(), "Jumlah aduan", title)


def share_classes(measures: pd.DataFrame, min_complaints: int) -> pd.DataFrame:
    """The share classes (:data:`SHARE_EDGES`) and the grey one of kelurahan with fewer than ``min_complaints``
    complaints: ``label`` and how many ``kelurahan`` fall in each."""
    index = classify_shares(measures["share"])
    labels = [*share_labels(), f"< {fmt.integer(min_complaints)} aduan"]
    return pd.DataFrame({"label": labels, "kelurahan": [int((index == i).sum()) for i in range(len(SHARE_EDGES))]
                         + [int((index < 0).sum())]})


def response_map(measures: pd.DataFrame, kelurahan: pd.DataFrame, borders: pd.DataFrame, classes: pd.DataFrame,
                 legend_title: str, title: str, *, province: bool = False) -> plt.Figure:
    """The choropleth of the share responded within the rule per kelurahan; too few complaints in grey."""
    colors = [*SHARE_COLORS, NO_DATA]
    index = classify_shares(measures["share"])  # -1, the grey class, is the list's last colour
    draw = province_choropleth if province else choropleth
    return draw(kelurahan, [colors[i] for i in _aligned(index, measures, kelurahan)], borders, colors,
                classes["label"].tolist(), legend_title, title)


def _aligned(index: pd.Series, measures: pd.DataFrame, shapes: pd.DataFrame) -> np.ndarray:
    """Class indices in the order of the shapes' rows (both frames are keyed by ``code``)."""
    return index.set_axis(measures["code"]).reindex(shapes["code"]).fillna(0).astype(int).to_numpy()


def area_outline(code: str) -> shapely.Geometry:
    """The area of a kelurahan, kecamatan or city code (13, 8 or 5 characters), in metres."""
    level = {13: "kelurahan", 8: "kecamatan", 5: "kota"}[len(code)]
    shapes = boundaries.shapes(level)
    return metres_shape(shapes.loc[shapes["code"] == code, "geometry"].item())


def explorer_map(measures: pd.DataFrame, kelurahan: pd.DataFrame, kecamatan: pd.DataFrame, classes: pd.DataFrame,
                 outline: shapely.Geometry | None, flagged: pd.DataFrame, spots: pd.DataFrame,
                 title: str) -> plt.Figure:
    """The month's complaints per kelurahan (:func:`complaint_map`) with the selected unit's area outlined, its
    flagged geotags (``flagged``: ``longitude``, ``latitude``) crossed, and the hotspots (:func:`crmlib.metrics.
    hotspots.hotspots`) ringed at their radius and numbered."""
    figure = complaint_map(measures, kelurahan, kecamatan, classes, title)
    ax = figure.axes[0]
    if outline is not None:
        ax.add_collection(PathCollection([_path(outline)], facecolors="none", edgecolors=UNIT_COLOR, linewidths=2.5,
                                         zorder=4))
    if len(spots):
        xy = metres_xy(spots["longitude"], spots["latitude"])
        for (x, y), radius, number in zip(xy, spots["metres"], spots["hotspot"]):
            ax.add_patch(Circle((x, y), max(float(radius), MIN_RING_METRES), facecolor="none", edgecolor="#222222",
                                linewidth=1.2, linestyle="--", zorder=5))
            ax.annotate(str(number), (x, y), ha="center", va="center", fontsize=7, fontweight="bold", zorder=6,
                        path_effects=[effects.withStroke(linewidth=2, foreground="white")])
    if len(flagged):
        xy = metres_xy(flagged["longitude"], flagged["latitude"])
        ax.scatter(xy[:, 0], xy[:, 1], marker="x", s=36, linewidths=1.6, color=UNIT_COLOR, zorder=7)
    return figure
