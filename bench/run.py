#!/usr/bin/env python3
"""Whole-binary benchmark: ekslint against a parse-only floor, on real and generated corpora.

    python3 bench/run.py            # everything, medians of 5 (about 10 minutes on 2 cores)
    python3 bench/run.py --quick    # medians of 3, without the 200,000-document corpus

What it does, all under target/bench/ (nothing outside the clone):
  1. builds the release binary (cargo build --release --locked);
  2. makes a virtualenv with PyYAML 6.0.3 and its libyaml C loader, unless the system Python
     already has them;
  3. generates the corpora of bench/gen_corpus.py (5,000, 50,000 and 200,000 documents; kept
     between runs, regenerated when the generator changes);
  4. for each corpus: `ekslint check` with all rules, `ekslint check --select YAML001` (our own
     read-and-parse floor: every file is read, parsed and indexed, one rule runs), and PyYAML's
     C loader parsing every document of the same files (`yaml.load_all`, `CSafeLoader`). Each is
     run N times, alternating; the median wall time is reported, with documents/s, MiB/s and
     the peak resident memory of the process (getrusage of the child);
  5. prints a table and the acceptance ratios, and writes them to target/bench/results.md.
"""

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "target", "bench")
BINARY = os.path.join(ROOT, "target", "release", "ekslint")
REAL = os.path.join(ROOT, "..", "shared", "corpus", "real")
EXTENSIONS = (".yaml", ".yml", ".json")

PARSE_ONLY = r"""
import os, sys, yaml
files = [l for l in open(sys.argv[1]).read().split("\n") if l]
docs = failed = 0
for p in files:
    try:
        with open(p, "rb") as f:
            for _ in yaml.load_all(f, Loader=yaml.CSafeLoader):
                docs += 1
    except Exception:
        failed += 1
print(docs, failed)
"""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def python_with_pyyaml():
    probe = "import yaml; assert yaml.__with_libyaml__; yaml.CSafeLoader"
    if subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0:
        return sys.executable
    venv = os.path.join(BENCH, "venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        log("creating target/bench/venv with PyYAML 6.0.3")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([py, "-m", "pip", "install", "--quiet", "pyyaml==6.0.3"], check=True)
    if subprocess.run([py, "-c", probe], capture_output=True).returncode != 0:
        sys.exit("PyYAML in target/bench/venv has no libyaml C loader; cannot measure the floor")
    return py


def corpus(docs):
    """Generate (or reuse) the corpus of `docs` documents."""
    gen = os.path.join(ROOT, "bench", "gen_corpus.py")
    with open(gen, "rb") as f:
        stamp = hashlib.sha256(f.read()).hexdigest()[:16] + f"-{docs}"
    out = os.path.join(BENCH, f"corpus-{docs}")
    marker = os.path.join(out, ".generated")
    if not (os.path.exists(marker) and open(marker).read() == stamp):
        log(f"generating {docs} documents into target/bench/corpus-{docs}")
        subprocess.run([sys.executable, gen, "--docs", str(docs), "--out", out], check=True)
        with open(marker, "w") as f:
            f.write(stamp)
    return out


def files_of(root):
    out = []
    for d, dirs, names in os.walk(root):
        dirs.sort()
        for n in sorted(names):
            if n.lower().endswith(EXTENSIONS):
                out.append(os.path.join(d, n))
    return out


def run(cmd):
    """Wall seconds and peak RSS (MiB) of one run of `cmd`."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} exited with {p.returncode}:\n{err}")
    return wall, usage.ru_maxrss / 1024, err


def measure(name, root, runs, py):
    files = files_of(root)
    size = sum(os.path.getsize(f) for f in files) / 2**20
    listing = os.path.join(BENCH, f"files-{name}.txt")
    with open(listing, "w") as f:
        f.write("\n".join(files) + "\n")
    commands = {
        "ekslint": [BINARY, "check", "--no-config", "--quiet", root],
        "parse": [BINARY, "check", "--no-config", "--quiet", "--select", "YAML001", root],
        "pyyaml": [py, "-c", PARSE_ONLY, listing],
    }
    times = {k: [] for k in commands}
    peaks = {k: [] for k in commands}
    for i in range(runs):
        for k, cmd in commands.items():
            wall, peak, _ = run(cmd)
            times[k].append(wall)
            peaks[k].append(peak)
        log(f"  {name}: run {i + 1}/{runs}: " + ", ".join(f"{k} {times[k][-1]:.2f} s" for k in commands))
    out = subprocess.run(commands["ekslint"][:-1] + ["--format", "json", root],
                         capture_output=True, text=True)
    summary = json.loads(out.stdout)["summary"]
    documents = summary["documents"]
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "name": name,
        "files": len(files),
        "documents": documents,
        "mib": size,
        "median": med,
        "peak": {k: max(v) for k, v in peaks.items()},
        "findings": summary["errors"] + summary["warnings"] + summary["infos"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 runs each, no 200,000-document corpus")
    ap.add_argument("--runs", type=int, help="runs per command (default 5, or 3 with --quick)")
    ap.add_argument("--sizes", default=None, help="generated corpus sizes, comma-separated")
    args = ap.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    sizes = [int(s) for s in (args.sizes or ("5000,50000" if args.quick else "5000,50000,200000")).split(",")]

    os.makedirs(BENCH, exist_ok=True)
    log("building the release binary")
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    py = python_with_pyyaml()
    corpora = []
    if os.path.isdir(REAL):
        corpora.append(("real", os.path.normpath(REAL)))
    else:
        log("../shared/corpus/real not found: measuring the generated corpora only")
    corpora += [(f"gen-{n}", corpus(n)) for n in sizes]

    cpu = os.cpu_count()
    rows = []
    for name, root in corpora:
        log(f"measuring {name} ({runs} runs of each command)")
        rows.append(measure(name, root, runs, py))

    lines = [
        f"ekslint benchmark, {time.strftime('%Y-%m-%d')}, {cpu} CPUs, medians of {runs} runs",
        "",
        "| corpus | files | documents | MiB | ekslint (all rules) | documents/s | MiB/s | peak RSS | ekslint parse floor (`--select YAML001`) | PyYAML C loader, parse only | PyYAML / ekslint |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        m = r["median"]
        lines.append(
            f"| {r['name']} | {r['files']:,} | {r['documents']:,} | {r['mib']:.1f} | {m['ekslint']:.3f} s "
            f"| {r['documents'] / m['ekslint']:,.0f} | {r['mib'] / m['ekslint']:.1f} "
            f"| {r['peak']['ekslint']:.0f} MiB | {m['parse']:.3f} s | {m['pyyaml']:.3f} s "
            f"| {m['pyyaml'] / m['ekslint']:.1f}x |"
        )
    lines.append("")
    by = {r["name"]: r for r in rows}
    if "real" in by:
        r = by["real"]
        ratio = r["median"]["pyyaml"] / r["median"]["ekslint"]
        lines.append(f"- corpus/real: ekslint is {ratio:.1f}x faster than parse-only PyYAML with the C loader "
                     f"(goal: at least 3x) and peaks at {r['peak']['ekslint']:.0f} MiB (goal: under 256 MiB).")
    gens = [r for r in rows if r["name"].startswith("gen-")]
    if len(gens) >= 2:
        small, large = gens[0], gens[-1]
        t_small = small["documents"] / small["median"]["ekslint"]
        t_large = large["documents"] / large["median"]["ekslint"]
        lines.append(f"- throughput at {large['documents']:,} documents is {t_large / t_small:.0%} of the throughput at "
                     f"{small['documents']:,} (goal: within 20 %, i.e. at least 80 %); peak {large['peak']['ekslint']:.0f} MiB "
                     f"(goal at 200,000 documents: under 1 GiB).")
        for r in gens:
            lines.append(f"- {r['name']}: {r['findings']:,} findings; rules cost "
                         f"{r['median']['ekslint'] - r['median']['parse']:+.3f} s over the parse floor.")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(BENCH, "results.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
