#!/usr/bin/env python3
"""Generate ONE large manifest file, in the shapes a user pipes in from a cluster export.

    python3 bench/gen_single.py --shape documents --count 200000 --out target/bench/single/documents-200000.yaml
    python3 bench/gen_single.py --shape list --count 50000 --out target/bench/single/list-50000.yaml

Shapes:
  documents  COUNT ConfigMaps, one per YAML document (`---` between them), as `kubectl get
             configmaps -A -o yaml` split into documents or a generated bundle would be. About
             300 bytes each: 200,000 documents make a 60 MB file.
  list       one `kind: List` document with COUNT ConfigMaps under `items:` (the shape of
             `kubectl get all -A -o yaml`), each indented two columns deeper than a document.

Every 500th ConfigMap has an unquoted number in `data` (a finding: a ConfigMap's data
values must be strings), so that a rule reports and the output is not empty. The output depends only on the arguments.
"""

import argparse
import os
import sys


def config_map(i, indent):
    pad = " " * indent
    lines = [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        f"  name: settings-{i:06d}",
        f"  namespace: team-{i % 40:02d}",
        "  labels:",
        f"    app.kubernetes.io/name: svc-{i:06d}",
    ]
    timeout = f"{i % 60 + 1}" if i % 500 == 7 else f'"{i % 60 + 1}"'
    lines += [
        "data:",
        "  LOG_LEVEL: info",
        f"  TIMEOUT_SECONDS: {timeout}",
        "  application.properties: |",
        f"    server.port={8000 + i % 1000}",
        "    cache.ttl=300",
        "    feature.flags=alpha,bravo,charlie",
    ]
    first = pad[:-2] + "- " if indent else ""
    return "".join((first if n == 0 else pad) + line + "\n" for n, line in enumerate(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", choices=["documents", "list"], required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        if args.shape == "documents":
            for i in range(args.count):
                if i:
                    f.write("---\n")
                f.write(config_map(i, 0))
        else:
            f.write("apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n")
            for i in range(args.count):
                f.write(config_map(i, 4))
    print(f"{args.out}: {os.path.getsize(args.out) / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
