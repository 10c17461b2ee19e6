"""Report charts as PNG at print resolution (200 dpi, 16 cm wide for A4), with Swedish labels and numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # -- no display on servers; must precede pyplot --
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from xlpy import fmt  # noqa: E402

DPI = 200
WIDTH_CM = 16.0
HEIGHT_CM = 8.0
COLORS = ("#1F4E79", "#C55A11", "#548235", "#7F7F7F")


def _kr_axis(x: float, _pos: int) -> str:
    """Axis labels in Swedish: `1,5 milj. kr` for millions, `800 000 kr` below."""
    if abs(x) >= 1_000_000:
        return fmt.number(x / 1_000_000, 1).removesuffix(",0") + "\u00a0milj.\u00a0kr"
    return fmt.kr(x)


def _bars(path: Path, years: list[int], series: list[tuple[str, list[float]]], stacked: bool) -> Path:
    # -- the settings apply to this chart only and the figure is closed whatever happens: with the add-in's
    #    UDF server one Python process serves every click, and global state would pile up in it --
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 8.5, "svg.hashsalt": "xlpy",
                         "axes.spines.top": False, "axes.spines.right": False}):
        fig, ax = plt.subplots(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54), dpi=DPI)
        try:
            return _draw(fig, ax, path, years, series, stacked)
        finally:
            plt.close(fig)


def _draw(fig: Any, ax: Any, path: Path, years: list[int], series: list[tuple[str, list[float]]],
          stacked: bool) -> Path:
    n = len(series)
    width = 0.7 if stacked else 0.8 / max(n, 1)
    bottom: list[float] = [0.0] * len(years)
    for i, (label, values) in enumerate(series):
        xs: list[float]
        if stacked:
            xs = [float(j) for j in range(len(years))]
            bars = ax.bar(xs, values, width, bottom=bottom, label=label, color=COLORS[i % len(COLORS)])
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        else:
            xs = [j - 0.4 + width * (i + 0.5) for j in range(len(years))]
            # -- no value labels on grouped bars: they collide at print size; the tables give exact values --
            bars = ax.bar(xs, values, width, label=label, color=COLORS[i % len(COLORS)])
    if stacked:
        ax.bar_label(bars, labels=[_kr_axis(v, 0) for v in bottom], fontsize=7, padding=1.5)
    ax.set_xticks(range(len(years)), [f"År {y}" for y in years])
    ax.yaxis.set_major_formatter(FuncFormatter(_kr_axis))
    ax.set_ylabel("Ackumulerat")
    ax.margins(y=0.12)
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)
    # -- legend below the plot so it never covers the tallest bars --
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=min(n, 3))
    fig.tight_layout()
    # -- tight_layout leaves a placeholder layout engine behind, which makes savefig draw the figure
    #    twice; the layout is final here, so drop it (same pixels, a quarter less time per chart) --
    fig.set_layout_engine(None)
    # -- fixed metadata keeps the PNG bytes identical from run to run --
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    return path


def project_chart(unit: dict[str, Any], path: Path | str) -> Path:
    """Stacked bars per Kalkylår: Om ingenting händer + Produktionsbortfall, cumulative (SEK), for a unit
    of the results dict (normally the project). Returns the PNG path."""
    c = unit["costs"]
    years = [r["year"] for r in c["om_ingenting_hander"]]
    return _bars(Path(path), years, [
        ("Om ingenting händer", [r["cumulative"] for r in c["om_ingenting_hander"]]),
        ("Produktionsbortfall", [r["cumulative"] for r in c["produktionsbortfall"]]),
    ], stacked=True)


def omgang_chart(unit: dict[str, Any], path: Path | str, legend: dict[str, str | None] | None = None) -> Path:
    """Grouped bars per Kalkylår: Om ingenting händer, Besparing, Kvarstående kostnad, cumulative (SEK).

    `legend` holds the report's labels for "nothing", "saving" and "remaining", made through the report's
    suppression decision; a series whose label is None is left out (its bars are the hidden count × K).
    Without `legend` the exact counts label the series.
    """
    c = unit["costs"]
    years = [r["year"] for r in c["om_ingenting_hander"]]
    labels = legend if legend is not None else {
        "nothing": f"Om ingenting händer ({fmt.number(c['people'])} deltagare)",
        "saving": f"Besparing ({fmt.number(c['moved_on'])})",
        "remaining": f"Kvarstående ({fmt.number(c['remaining'])})",
    }
    series = [(str(labels[k]), [float(r["cumulative"]) for r in c[name]])
              for k, name in (("nothing", "om_ingenting_hander"), ("saving", "besparing"),
                              ("remaining", "kvarstaende")) if labels.get(k)]
    return _bars(Path(path), years, series, stacked=False)


# -- survey bars: negative alternatives in warm tones, positive in blues, darker towards the ends --
NEGATIVE_TONES = ("#C55A11", "#F4B183", "#FBE5D6")
POSITIVE_TONES = ("#9DC3E6", "#2E75B6", "#1F4E79")


def _segment_colors(segments: list[str], positive: list[str]) -> list[str]:
    neg = [s for s in segments if s not in positive]
    pos = [s for s in segments if s in positive]
    colors = {s: NEGATIVE_TONES[min(i, 2)] for i, s in enumerate(neg)}
    colors.update({s: POSITIVE_TONES[min(len(pos) - 1 - i, 2) if len(pos) > 1 else 2] for i, s in
                   enumerate(reversed(pos))})
    return [colors[s] for s in segments]


def survey_chart(bars: list[dict[str, Any]], segments: list[str], positive: list[str], path: Path | str) -> Path:
    """A 100 % stacked horizontal bar per unit: the share of each counted alternative (in scale order, most
    negative left) of the valid answers; `bars` are {"label", "counts": {alternative: n}}. Returns the PNG."""
    height_cm = 2.6 + 0.9 * len(bars)
    # -- as in _bars: settings for this chart only, the figure closed whatever happens --
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 8.5, "svg.hashsalt": "xlpy",
                         "axes.spines.top": False, "axes.spines.right": False}):
        fig, ax = plt.subplots(figsize=(WIDTH_CM / 2.54, height_cm / 2.54), dpi=DPI)
        try:
            labels = [b["label"] for b in bars][::-1]
            left = [0.0] * len(bars)
            for seg, color in zip(segments, _segment_colors(segments, positive), strict=True):
                shares = []
                for b in bars[::-1]:
                    n = sum(b["counts"].get(s, 0) for s in segments)
                    shares.append(b["counts"].get(seg, 0) / n * 100 if n else 0.0)
                rects = ax.barh(labels, shares, left=left, color=color, label=seg, height=0.6)
                ax.bar_label(rects, labels=[fmt.percent(v / 100) if v >= 8 else "" for v in shares],
                             label_type="center", fontsize=7,
                             color="white" if color in ("#C55A11", "#2E75B6", "#1F4E79") else "black")
                left = [a + b for a, b in zip(left, shares, strict=True)]
            ax.set_xlim(0, 100)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: fmt.percent(x / 100)))
            # -- the legend above the bars, in scale order; long alternatives take two rows --
            wide = sum(len(s) for s in segments) > 70
            ax.legend(frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                      ncols=(len(segments) + 1) // 2 if wide else len(segments), fontsize=7.5)
            fig.tight_layout()
            fig.set_layout_engine(None)
            fig.savefig(path, dpi=DPI, metadata={"Software": None})
        finally:
            plt.close(fig)
    return Path(path)


ACTOR_TICKS = {"Arbetsförmedlingen": "Arbets-\nförmedlingen", "Försäkringskassan": "Försäkrings-\nkassan",
               "Staten övrigt": "Staten\növrigt", "Ej fördelat": "Ej\nfördelat"}


def actor_chart(unit: dict[str, Any], path: Path | str) -> Path:
    """Grouped bars per actor: the unit's Besparing split by actor, one bar per Kalkylår (cumulative, SEK)."""
    split = unit["costs"]["per_actor"]["besparing"]
    actors = list(split)
    years = [r["year"] for r in unit["costs"]["besparing"]]
    # -- as in _bars: settings for this chart only, the figure closed whatever happens --
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 8.5, "svg.hashsalt": "xlpy",
                         "axes.spines.top": False, "axes.spines.right": False}):
        fig, ax = plt.subplots(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54), dpi=DPI)
        try:
            width = 0.8 / max(len(years), 1)
            # -- one hue, light (year 1) to dark (last year): the bars of an actor read as growth over time --
            shades = plt.get_cmap("Blues")([0.35 + 0.6 * i / max(len(years) - 1, 1) for i in range(len(years))])
            for i, year in enumerate(years):
                xs = [j - 0.4 + width * (i + 0.5) for j in range(len(actors))]
                ax.bar(xs, [split[a][i]["cumulative"] for a in actors], width, label=f"År {year}", color=shades[i])
            # -- long names on two lines so seven actors fit 16 cm --
            ax.set_xticks(range(len(actors)), [ACTOR_TICKS.get(a, a) for a in actors])
            ax.yaxis.set_major_formatter(FuncFormatter(_kr_axis))
            ax.set_ylabel("Besparing, ackumulerat")
            ax.margins(y=0.12)
            ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
            ax.set_axisbelow(True)
            ax.legend(frameon=False, loc="upper right", ncols=min(len(years), 5))
            fig.tight_layout()
            fig.set_layout_engine(None)
            fig.savefig(Path(path), dpi=DPI, metadata={"Software": None})
        finally:
            plt.close(fig)
    return Path(path)


def followup_chart(point: dict[str, Any], path: Path | str) -> Path:
    """Grouped bars per omgång (and the whole project) at one follow-up point: the share reached and the
    share moved on (of all due), in percent; a row whose counts are hidden for small numbers gets no bars.
    `point` is a point of the report context's `followup.points`. Returns the PNG path."""
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8.5, "svg.hashsalt": "xlpy",
                         "axes.spines.top": False, "axes.spines.right": False})
    rows = [*point["rows"], *([point["total"]] if point["show_total"] and point["total"] else [])]
    fig, ax = plt.subplots(figsize=(WIDTH_CM / 2.54, HEIGHT_CM / 2.54), dpi=DPI)
    width = 0.3
    for i, (label, key) in enumerate((("Nådda", "response_value"),
                                      (f"Vidare till arbete/studier efter {point['months']} mån", "moved_value"))):
        xs = [j - width / 2 + width * i for j in range(len(rows))]
        values = [r[key] * 100 if r[key] is not None else 0.0 for r in rows]
        bars = ax.bar(xs, values, width, label=label, color=COLORS[i])
        ax.bar_label(bars, labels=[fmt.percent(r[key]) if r[key] is not None else "dolt" for r in rows],
                     fontsize=7, padding=1.5)
    ax.set_xticks(range(len(rows)), [r["label"] for r in rows])
    ax.set_ylim(0, 110)
    ax.set_xlim(-0.5 - max(0, 3 - len(rows)) / 2, len(rows) - 0.5 + max(0, 3 - len(rows)) / 2)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}\u00a0%"))
    ax.set_ylabel("Andel av dem som skulle följas upp")
    ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2)
    fig.tight_layout()
    fig.set_layout_engine(None)
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return Path(path)
