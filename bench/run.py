#!/usr/bin/env python3
"""Whole-binary benchmark: ekslint against a parse-only floor, on real and generated corpora,
and on single large files.

    python3 bench/run.py                 # corpus/real and the single files, medians of 5 (~5 min)
    python3 bench/run.py --quick         # medians of 3, single files up to 50,000 (~1 min)
    python3 bench/run.py --only real,gen,single   # also the generated corpora (~15 min more)
    python3 bench/run.py --baseline /path/to/old/ekslint   # the same runs, before and after

What it does, all under target/bench/ (nothing outside the clone):
  1. builds the release binary (cargo build --release --locked);
  2. makes a virtualenv target/bench/venv with PyYAML 6.0.3 and its libyaml C loader (the
     wheel bundles libyaml 0.2.5);
  3. generates the inputs: the corpora of bench/gen_corpus.py (5,000, 50,000 and 200,000
     documents in many files) and the single files of bench/gen_single.py (12,500 to 200,000
     ConfigMaps as documents of one file, and as the items of one `kind: List`); all kept
     between runs and regenerated when their generator changes;
  4. on each corpus: `ekslint check` with all rules, `ekslint check --select YAML001` (our own
     read-and-parse floor: every file is read, parsed and indexed, one rule runs), and PyYAML's
     C loader parsing every document of the same files (`yaml.load_all`, `CSafeLoader`), run N
     times, alternating; on each single file: `ekslint check` with all rules (and the
     `--baseline` binary, if given). Reported: the median wall time, the median CPU time (user +
     system, which a busy machine inflates less than wall time), documents/s, MiB/s and the
     peak resident memory of the process (getrusage of the child);
  5. prints tables and the acceptance ratios, and writes them to target/bench/results.md, and
     every measurement to target/bench/results.json (which bench/plot.py draws).
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
# Single files pass the default limits at 200,000 documents (100,000 documents, 64 MiB).
SINGLE_LIMITS = ["--limit", "max-file-bytes=268435456", "--limit", "max-documents=10000000"]

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
    """The venv's Python with PyYAML 6.0.3 and its C loader: always the same version of the
    floor, whatever the system has."""
    probe = "import yaml; assert yaml.__with_libyaml__ and yaml.__version__ == '6.0.3'; yaml.CSafeLoader"
    venv = os.path.join(BENCH, "venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        log("creating target/bench/venv with PyYAML 6.0.3")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    if subprocess.run([py, "-c", probe], capture_output=True).returncode != 0:
        subprocess.run([py, "-m", "pip", "install", "--quiet", "pyyaml==6.0.3"], check=True)
    if subprocess.run([py, "-c", probe], capture_output=True).returncode != 0:
        sys.exit("PyYAML in target/bench/venv has no libyaml C loader; cannot measure the floor")
    return py


def stamp_of(script, *args):
    with open(os.path.join(ROOT, "bench", script), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16] + "-" + "-".join(map(str, args))


def corpus(docs):
    """Generate (or reuse) the corpus of `docs` documents."""
    stamp = stamp_of("gen_corpus.py", docs)
    out = os.path.join(BENCH, f"corpus-{docs}")
    marker = os.path.join(out, ".generated")
    if not (os.path.exists(marker) and open(marker).read() == stamp):
        log(f"generating {docs} documents into target/bench/corpus-{docs}")
        gen = os.path.join(ROOT, "bench", "gen_corpus.py")
        subprocess.run([sys.executable, gen, "--docs", str(docs), "--out", out], check=True)
        with open(marker, "w") as f:
            f.write(stamp)
    return out


def single(shape, count):
    """Generate (or reuse) one file of `count` ConfigMaps, as documents or List items."""
    stamp = stamp_of("gen_single.py", shape, count)
    out = os.path.join(BENCH, "single", f"{shape}-{count}.yaml")
    marker = out + ".generated"
    if not (os.path.exists(out) and os.path.exists(marker) and open(marker).read() == stamp):
        log(f"generating target/bench/single/{shape}-{count}.yaml")
        gen = os.path.join(ROOT, "bench", "gen_single.py")
        subprocess.run([sys.executable, gen, "--shape", shape, "--count", str(count), "--out", out],
                       check=True)
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
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one run of `cmd`."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} exited with {p.returncode}:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure_commands(name, commands, runs):
    """Run each command `runs[name]` (else `runs["default"]`) times, alternating; the medians of
    wall and CPU time, and the highest peak."""
    counts = {k: runs.get(k, runs["default"]) for k in commands}
    times = {k: [] for k in commands}
    cpus = {k: [] for k in commands}
    peaks = {k: [] for k in commands}
    for i in range(max(counts.values())):
        for k, cmd in commands.items():
            if i < counts[k]:
                wall, cpu, peak = run(cmd)
                times[k].append(wall)
                cpus[k].append(cpu)
                peaks[k].append(peak)
        log(f"  {name}: run {i + 1}: " + ", ".join(
            f"{k} {times[k][-1]:.2f} s" for k in commands if len(times[k]) > i))
    return ({k: statistics.median(v) for k, v in times.items()},
            {k: statistics.median(v) for k, v in cpus.items()},
            {k: max(v) for k, v in peaks.items()})


def summary_of(cmd):
    out = subprocess.run(cmd + ["--format", "json"], capture_output=True, text=True)
    return json.loads(out.stdout)["summary"]


def measure_corpus(name, root, runs, py, baseline):
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
    if baseline:
        commands["baseline"] = [baseline, "check", "--no-config", "--quiet", root]
    med, cpu, peak = measure_commands(name, commands, {"default": runs})
    summary = summary_of([BINARY, "check", "--no-config", root])
    return {
        "name": name,
        "files": len(files),
        "documents": summary["documents"],
        "mib": size,
        "median": med,
        "cpu": cpu,
        "peak": peak,
        "findings": summary["errors"] + summary["warnings"] + summary["infos"],
    }


def measure_single(shape, count, runs, baseline, baseline_runs):
    path = single(shape, count)
    commands = {"ekslint": [BINARY, "check", "--no-config", "--quiet", *SINGLE_LIMITS, path]}
    if baseline:
        # The baseline is slow on large files (quadratic): fewer runs.
        commands["baseline"] = [baseline, "check", "--no-config", "--quiet", *SINGLE_LIMITS, path]
    med, cpu, peak = measure_commands(f"{shape}-{count}", commands,
                                      {"default": runs, "baseline": baseline_runs})
    return {
        "name": f"{shape}-{count}",
        "shape": shape,
        "count": count,
        "mib": os.path.getsize(path) / 2**20,
        "median": med,
        "cpu": cpu,
        "peak": peak,
    }


def corpus_report(rows):
    lines = [
        "| corpus | files | documents | MiB | ekslint (all rules) | CPU | documents/s | MiB/s | peak RSS "
        "| ekslint parse floor (`--select YAML001`) | PyYAML C loader, parse only | PyYAML / ekslint |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        m = r["median"]
        lines.append(
            f"| {r['name']} | {r['files']:,} | {r['documents']:,} | {r['mib']:.1f} | {m['ekslint']:.3f} s "
            f"| {r['cpu']['ekslint']:.3f} s | {r['documents'] / m['ekslint']:,.0f} | {r['mib'] / m['ekslint']:.1f} "
            f"| {r['peak']['ekslint']:.0f} MiB | {m['parse']:.3f} s | {m['pyyaml']:.3f} s "
            f"| **{m['pyyaml'] / m['ekslint']:.1f}x** |"
        )
    lines.append("")
    by = {r["name"]: r for r in rows}
    if "real" in by:
        r = by["real"]
        ratio = r["median"]["pyyaml"] / r["median"]["ekslint"]
        cpu_ratio = r["cpu"]["pyyaml"] / r["cpu"]["ekslint"]
        lines.append(f"- corpus/real: ekslint is {ratio:.1f}x faster than parse-only PyYAML with the C loader in "
                     f"wall time, {cpu_ratio:.1f}x in CPU time (goal: at least 10x), and peaks at "
                     f"{r['peak']['ekslint']:.0f} MiB (goal: under 32 MiB).")
        if "baseline" in r["median"]:
            lines.append(f"- corpus/real, the baseline binary: {r['median']['baseline']:.3f} s wall, "
                         f"{r['cpu']['baseline']:.3f} s CPU, {r['peak']['baseline']:.0f} MiB; "
                         f"{r['median']['pyyaml'] / r['median']['baseline']:.1f}x the floor; "
                         f"ekslint is {r['median']['baseline'] / r['median']['ekslint']:.2f}x as fast.")
    gens = [r for r in rows if r["name"].startswith("gen-")]
    if len(gens) >= 2:
        small, large = gens[0], gens[-1]
        t_small = small["documents"] / small["median"]["ekslint"]
        t_large = large["documents"] / large["median"]["ekslint"]
        lines.append(f"- throughput at {large['documents']:,} documents is {t_large / t_small:.0%} of the throughput at "
                     f"{small['documents']:,}; peak {large['peak']['ekslint']:.0f} MiB.")
        for r in gens:
            lines.append(f"- {r['name']}: {r['findings']:,} findings; rules cost "
                         f"{r['median']['ekslint'] - r['median']['parse']:+.3f} s over the parse floor.")
    return lines


def single_report(rows, baseline):
    head = "| one file | MiB | ekslint | CPU | peak RSS | RSS ÷ file |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if baseline:
        head += " baseline | baseline peak RSS | baseline ÷ ekslint |"
        rule += "---:|---:|---:|"
    lines = [head, rule]
    for r in rows:
        m, c, p = r["median"], r["cpu"], r["peak"]
        line = (f"| {r['shape']}, {r['count']:,} | {r['mib']:.1f} | {m['ekslint']:.3f} s | {c['ekslint']:.3f} s "
                f"| {p['ekslint']:.0f} MiB | {p['ekslint'] / r['mib']:.2f} |")
        if baseline:
            line += (f" {m['baseline']:.2f} s | {p['baseline']:.0f} MiB "
                     f"| {m['baseline'] / m['ekslint']:.1f}x |")
        lines.append(line)
    lines.append("")
    by = {(r["shape"], r["count"]): r for r in rows}
    for shape, small, large in [("documents", 25000, 100000), ("list", 12500, 50000)]:
        a, b = by.get((shape, small)), by.get((shape, large))
        if a and b:
            growth = b["median"]["ekslint"] / a["median"]["ekslint"]
            cpu_growth = b["cpu"]["ekslint"] / a["cpu"]["ekslint"]
            lines.append(f"- {shape}: {large // small}x the input ({small:,} -> {large:,}) costs {growth:.2f}x the "
                         f"wall time and {cpu_growth:.2f}x the CPU time (goal: at most 5x).")
            if baseline:
                lines.append(f"  The baseline: {b['median']['baseline'] / a['median']['baseline']:.2f}x.")
    big = by.get(("documents", 200000))
    if big:
        lines.append(f"- documents, 200,000: peak RSS {big['peak']['ekslint']:.0f} MiB for a {big['mib']:.1f} MiB "
                     f"file, {big['peak']['ekslint'] / big['mib']:.2f}x (goal: under 4x).")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="3 runs each; no 200,000-document corpus; single files up to 50,000")
    ap.add_argument("--runs", type=int, help="runs per command (default 5, or 3 with --quick)")
    ap.add_argument("--sizes", default=None, help="generated corpus sizes, comma-separated")
    ap.add_argument("--only", default="real,single", help="parts to run: real, gen, single (default real,single)")
    ap.add_argument("--baseline", help="another ekslint binary to run on corpus/real and the single files too")
    ap.add_argument("--baseline-runs", type=int, default=1, help="runs of the baseline (default 1)")
    args = ap.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    sizes = [int(s) for s in (args.sizes or ("5000,50000" if args.quick else "5000,50000,200000")).split(",")]
    parts = set(args.only.split(","))
    counts = [12500, 25000, 50000] if args.quick else [12500, 25000, 50000, 100000, 200000]

    os.makedirs(BENCH, exist_ok=True)
    log("building the release binary")
    subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    cpu = os.cpu_count()
    results = {"date": time.strftime("%Y-%m-%d"), "cpus": cpu, "runs": runs, "corpora": [], "single": []}
    lines = [f"ekslint benchmark, {results['date']}, {cpu} CPUs, medians of {runs} runs", ""]

    corpora = []
    if "real" in parts:
        if os.path.isdir(REAL):
            corpora.append(("real", os.path.normpath(REAL)))
        else:
            log("../shared/corpus/real not found: skipping it")
    if "gen" in parts:
        corpora += [(f"gen-{n}", corpus(n)) for n in sizes]
    if corpora:
        py = python_with_pyyaml()
        for name, root in corpora:
            log(f"measuring {name} ({runs} runs of each command)")
            results["corpora"].append(measure_corpus(name, root, runs, py, args.baseline if name == "real" else None))
        lines += corpus_report(results["corpora"]) + [""]

    if "single" in parts:
        for shape in ["documents", "list"]:
            for n in counts:
                log(f"measuring one file, {shape}, {n} ({runs} runs)")
                results["single"].append(measure_single(shape, n, runs, args.baseline, args.baseline_runs))
        lines += single_report(results["single"], args.baseline)

    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(BENCH, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(BENCH, "results.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
