"""The chart per municipality of the chapter "Resultat över tid": share moved on and attendance per group
across the omgångar (METRICS.md, "Results over time"), as PNG like the other report charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlpy import fmt
from xlpy.core.overtime import share_moved_on
from xlpy.report import charts

MANY_BARS = 10


ONGOING = "pågår"


def municipality_chart(groups: list[dict[str, Any]], path: Path | str, hidden: set[str] | None = None) -> Path:
    """Grouped bars per group (start order): Andel vidare and Närvaro in percent. A share the report hides
    (key in `hidden`) or without a basis gets no bar and the label `dolt`, `pågår` (an ongoing group) or `–`."""
    import matplotlib.pyplot as plt

    hidden = hidden or set()
    # -- as in charts._bars: settings for this chart only, the figure closed whatever happens --
    with plt.rc_context({"font.family": "DejaVu Sans", "font.size": 8.5, "svg.hashsalt": "xlpy",
                         "axes.spines.top": False, "axes.spines.right": False}):
        fig, ax = plt.subplots(figsize=(charts.WIDTH_CM / 2.54, 6.5 / 2.54), dpi=charts.DPI)
        try:
            labels = [f"Grupp {g['group_no']}" if g.get("group_no") is not None else g["label"] for g in groups]
            # -- many bars (a summarised report's omgångar): the group number alone under each pair, and a
            #    value label only where there is no bar to read (`dolt`, `–`): "82,5 %" over 40 bars overlap --
            many = len(groups) > MANY_BARS
            if many:
                labels = [str(g["group_no"]) if g.get("group_no") is not None else g["label"] for g in groups]
            width = 0.38
            for s, (name, metric, color) in enumerate((("Andel vidare till arbete eller studier", "sysselsattning",
                                                        charts.COLORS[0]),
                                                       ("Närvaro", "narvaro", charts.COLORS[1]))):
                xs = [j - 0.2 + s * width + (0.02 if s else 0) for j in range(len(groups))]
                values = []
                texts = []
                for g in groups:
                    v = share_moved_on(g) if metric == "sysselsattning" else g["metrics"].get(metric)
                    if metric == "sysselsattning" and g["key"] in hidden:
                        values.append(0.0)
                        texts.append("dolt")
                    else:
                        values.append(0.0 if v is None else v * 100)
                        # -- an ongoing group has no share yet: `pågår`, not the `–` of a hidden count --
                        texts.append(ONGOING if v is None and g.get("ongoing") else
                                     fmt.percent(v, 1 if metric == "narvaro" else 0))
                bars = ax.bar(xs, values, width, label=name, color=color)
                ax.bar_label(bars, labels=texts if not many else [t if t in ("dolt", "–", ONGOING) else "" for t in texts],
                             fontsize=7, padding=1.5)
            ax.set_xticks(range(len(groups)), labels)
            ax.set_ylim(0, 110)
            ax.yaxis.set_major_formatter(lambda x, _pos: fmt.percent(x / 100))
            ax.grid(axis="y", color="#D9D9D9", linewidth=0.6)
            ax.set_axisbelow(True)
            # -- with many bars the numbers under them are omgångar: the legend says so, below them --
            extra = {"title": "Omgång (grupp 1, 2, …)", "title_fontsize": 7.5} if many else {}
            ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, **extra)
            fig.tight_layout()
            fig.set_layout_engine(None)
            fig.savefig(path, dpi=charts.DPI, metadata={"Software": None})
        finally:
            plt.close(fig)
    return Path(path)
