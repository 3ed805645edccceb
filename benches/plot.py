#!/usr/bin/env python3
"""Draws cost-per-command.svg (beside BENCHMARKS.md) from criterion's results.

Reads the median of every `decide_evolve/<family>/<size>`, `apply/<kind>/<size>`
and `advance/10_due/<size>` benchmark under target/criterion (written by
`cargo bench --bench commands --bench state`) and plots cost per command
against fleet size, both axes on a log scale. Standard library only.

    python3 benches/plot.py [target/criterion] [cost-per-command.svg]
"""

import json
import math
import sys
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "cost-per-command.svg")

W, H = 900, 520
LEFT, RIGHT, TOP, BOTTOM = 70, 260, 40, 60
X0, X1 = 3.0, 6.0  # log10 of fleet sizes
COLORS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939",
    "#8c6d31", "#843c39", "#7b4173",
]


def medians():
    series = {}
    for estimates in ROOT.glob("*/*/new/estimates.json"):
        size_dir = estimates.parent.parent
        group = size_dir.parent.name  # e.g. decide_evolve_lock
        bench = json.loads((size_dir / "new" / "benchmark.json").read_text())
        group_id = bench["group_id"]
        if not group_id.startswith(("decide_evolve/", "apply/", "advance/")):
            continue
        size = int(bench["value_str"])
        median = json.loads(estimates.read_text())["median"]["point_estimate"]
        series.setdefault(group_id, {})[size] = median
    return series


def main():
    series = medians()
    if not series:
        sys.exit(f"no results under {ROOT}: run cargo bench --bench commands --bench state")
    values = [v for points in series.values() for v in points.values()]
    y0 = math.floor(math.log10(min(values)))
    y1 = math.ceil(math.log10(max(values)))

    def x(size):
        return LEFT + (math.log10(size) - X0) / (X1 - X0) * (W - LEFT - RIGHT)

    def y(ns):
        return H - BOTTOM - (math.log10(ns) - y0) / (y1 - y0) * (H - TOP - BOTTOM)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<text x="{W / 2 - 100}" y="22" font-size="15">snapguard: median cost against '
        "fleet size</text>",
    ]
    for exp in range(3, 7):
        px = x(10**exp)
        out.append(f'<line x1="{px}" y1="{TOP}" x2="{px}" y2="{H - BOTTOM}" stroke="#ddd"/>')
        out.append(f'<text x="{px - 12}" y="{H - BOTTOM + 18}">10^{exp}</text>')
    for exp in range(y0, y1 + 1):
        py = y(10**exp)
        label = {0: "1 ns", 1: "10 ns", 2: "100 ns", 3: "1 µs", 4: "10 µs", 5: "100 µs",
                 6: "1 ms", 7: "10 ms"}.get(exp, f"1e{exp} ns")
        out.append(f'<line x1="{LEFT}" y1="{py}" x2="{W - RIGHT}" y2="{py}" stroke="#ddd"/>')
        out.append(f'<text x="8" y="{py + 4}">{label}</text>')
    # The 1 µs target for decide + evolve.
    if y0 <= 3 <= y1:
        py = y(1000)
        out.append(f'<line x1="{LEFT}" y1="{py}" x2="{W - RIGHT}" y2="{py}" '
                   'stroke="#000" stroke-dasharray="6 4"/>')
    out.append(f'<text x="{W / 2 - 140}" y="{H - 15}">snapshots in the state (log scale)</text>')
    for k, (name, points) in enumerate(sorted(series.items())):
        color = COLORS[k % len(COLORS)]
        dash = ' stroke-dasharray="3 3"' if not name.startswith("decide_evolve/") else ""
        coords = " ".join(f"{x(s):.1f},{y(v):.1f}" for s, v in sorted(points.items()))
        out.append(f'<polyline points="{coords}" fill="none" stroke="{color}" '
                   f'stroke-width="2"{dash}/>')
        for s, v in sorted(points.items()):
            out.append(f'<circle cx="{x(s):.1f}" cy="{y(v):.1f}" r="3" fill="{color}"/>')
        ly = TOP + 10 + k * 17
        out.append(f'<line x1="{W - RIGHT + 15}" y1="{ly}" x2="{W - RIGHT + 40}" y2="{ly}" '
                   f'stroke="{color}" stroke-width="2"{dash}/>')
        label = f"{name} (10 releases)" if name.startswith("advance/") else name
        out.append(f'<text x="{W - RIGHT + 46}" y="{ly + 4}">{label}</text>')
    ly = TOP + 10 + len(series) * 17 + 8
    out.append(f'<line x1="{W - RIGHT + 15}" y1="{ly}" x2="{W - RIGHT + 40}" y2="{ly}" '
               'stroke="#000" stroke-dasharray="6 4"/>')
    out.append(f'<text x="{W - RIGHT + 46}" y="{ly + 4}">1 µs target</text>')
    out.append("</svg>")
    OUT.write_text("\n".join(out) + "\n")
    print(f"wrote {OUT}: {len(series)} series")


if __name__ == "__main__":
    main()
