#!/usr/bin/env python3
"""Draw the single-file growth curves of target/bench/results.json (written by bench/run.py).

    python3 bench/plot.py [RESULTS_JSON] [OUT_PNG]   # default: target/bench/results.json -> docs/performance-growth.png

Two panels: time against the number of documents or List items in one file (ekslint, and the
`--baseline` binary if it was measured), with a linear reference through the smallest point;
and peak resident memory against the file's size, with the 4x bound. matplotlib is installed
into target/bench/venv (the benchmark's virtualenv) on first use.
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "bench", "venv")
PY = os.path.join(VENV, "bin", "python")


def ensure_matplotlib():
    try:
        import matplotlib  # noqa: F401
        return
    except ImportError:
        pass
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        subprocess.run([PY, "-m", "pip", "install", "--quiet", "matplotlib==3.10.7"], check=True)
        return
    if not os.path.exists(PY):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    os.execv(PY, [PY, os.path.abspath(__file__), *sys.argv[1:]])


def main():
    ensure_matplotlib()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "bench", "results.json")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "docs", "performance-growth.png")
    with open(src) as f:
        results = json.load(f)
    rows = results["single"]
    if not rows:
        sys.exit(f"{src} has no single-file measurements (bench/run.py --only single)")

    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(11, 4.2))
    styles = {"documents": ("tab:blue", "o"), "list": ("tab:orange", "s")}
    labels = {"documents": "ConfigMaps as documents", "list": "ConfigMaps as List items"}
    for shape, (color, marker) in styles.items():
        pts = sorted((r["count"], r) for r in rows if r["shape"] == shape)
        if not pts:
            continue
        xs = [c for c, _ in pts]
        ax_t.plot(xs, [r["median"]["ekslint"] for _, r in pts], color=color, marker=marker,
                  label=f"{labels[shape]}")
        x0, r0 = pts[0]
        t0 = r0["median"]["ekslint"]
        ax_t.plot(xs, [t0 * x / x0 for x in xs], color=color, linestyle=":", linewidth=1,
                  label=f"linear from {x0:,}")
        if "baseline" in r0["median"]:
            ax_t.plot(xs, [r["median"]["baseline"] for _, r in pts], color=color, marker=marker,
                      linestyle="--", alpha=0.5, label=f"{labels[shape]}, before")
        ax_m.plot([r["mib"] for _, r in pts], [r["peak"]["ekslint"] for _, r in pts], color=color,
                  marker=marker, label=labels[shape])
    sizes = sorted(r["mib"] for r in rows)
    ax_m.plot(sizes, [4 * s for s in sizes], color="grey", linestyle=":", label="4x the file (the bound)")
    ax_t.set_xscale("log")
    ax_t.set_yscale("log")
    ax_t.set_xlabel("documents or List items in one file")
    ax_t.set_ylabel("wall time, median (s)")
    ax_t.set_title("Time in one file")
    ax_t.legend(fontsize=7)
    ax_t.grid(True, which="both", alpha=0.3)
    ax_m.set_xlabel("file size (MiB)")
    ax_m.set_ylabel("peak RSS (MiB)")
    ax_m.set_title("Memory in one file")
    ax_m.legend(fontsize=7)
    ax_m.grid(True, alpha=0.3)
    fig.suptitle(f"ekslint check, one file, {results['cpus']} CPUs, medians of {results['runs']} runs "
                 f"({results['date']})", fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {os.path.relpath(out, ROOT)}")


if __name__ == "__main__":
    main()
