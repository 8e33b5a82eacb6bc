#!/usr/bin/env python3
"""Differential check of the SCHEMA rules against kubernetes-validate --strict.

For every document of a built-in kind in the corpus, kubernetes-validate (strict, one
Kubernetes version) accepts or rejects it; ekslint's findings are mapped to documents by line.
Documents whose first kubernetes-validate error is a missing required field or a patch directive
are skipped (they are patches; kubernetes-validate stops at the first error). Documents whose
first error is on a template placeholder (`replicas: ${REPLICAS}`) count like any other: SCHEMA002
reports such a value at info level (the file must be rendered before it is applied); their number
is printed. The check passes
when at least 95% of the rejected documents have a finding of a SCHEMA rule or of a rule that owns
a schema fact SCHEMA leaves to it (OWNERS; docs/schema.md, "One rule per fact"), and at least 95%
of the accepted ones have no SCHEMA error. Both counts are printed with SCHEMA findings alone too.
docs/schema.md lists the disagreements where kubernetes-validate is wrong.

usage: schema_differential.py EKSLINT CORPUS VERSION [--verbose]
"""

import json
import os
import re
import subprocess
import sys

import yaml
import kubernetes_validate
from kubernetes_validate import utils as kv

THRESHOLD = 0.95
# Rules that own a schema fact the SCHEMA rules leave to them.
OWNERS = ["YAML004", "YAML006", "AUTH003", "CSI001", "CSI002", "LBC017"]


def documents(path):
    """(start_line, end_line, data) per non-empty document, lines 1-based inclusive."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    loader = yaml.SafeLoader(text)
    try:
        out = []
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            data = loader.construct_document(node)
            out.append((node.start_mark.line + 1, node.end_mark.line + 1, data))
        return out
    finally:
        loader.dispose()


# The placeholder syntaxes of crates/ekslint_rules/src/support/placeholder.rs, simplified.
PLACEHOLDER = re.compile(
    r"\$\{[^}]+\}|\$\([A-Za-z_][A-Za-z0-9_]*\)|\{\{.*?\}\}|<[A-Za-z][^<>\n]*>"
    r"|#\{[^}]+\}#|__[A-Za-z0-9_]+__")


def kv_verdict(doc, version):
    """('accepted'|'rejected'|'skipped', detail)."""
    if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
        return "skipped", "not an object"
    if not isinstance(doc.get("apiVersion"), str) or not isinstance(doc.get("kind"), str):
        return "skipped", "apiVersion or kind not a string"
    try:
        kv.validate(doc, version, strict=True)
        return "accepted", ""
    except kv.ValidationError as e:
        path = ".".join(str(p) for p in e.path)
        if isinstance(e.instance, str) and PLACEHOLDER.search(e.instance):
            return "rejected", f"template: {path}: {e.instance!r}"
        return "rejected", f"{e.validator}: {path}: {e.message[:200]}"
    except kv.SchemaNotFoundError:
        return "skipped", "no schema"
    except Exception as e:  # kubernetes-validate itself failing on odd input
        return "skipped", f"kubernetes-validate error: {e}"


def main():
    ekslint, corpus, version = sys.argv[1:4]
    verbose = "--verbose" in sys.argv
    report = subprocess.run(
        [ekslint, "check", "--no-config", "--select", ",".join(["SCHEMA"] + OWNERS),
         "--target-version", version,
         "--format", "json", corpus],
        capture_output=True, text=True)
    if report.returncode not in (0, 1):
        sys.exit(f"ekslint failed: {report.stderr}")
    findings = {}
    for f in json.loads(report.stdout)["findings"]:
        findings.setdefault(os.path.normpath(f["path"]), []).append(f)

    rejected = accepted = 0
    templates = []
    missed, false_errors = [], []
    schema_only_missed = 0
    for root, _, files in os.walk(corpus):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml", ".json")):
                continue
            path = os.path.normpath(os.path.join(root, name))
            try:
                docs = documents(path)
            except Exception:
                continue  # not YAML kubernetes-validate can read
            mine = findings.get(path, [])
            for start, end, data in docs:
                verdict, detail = kv_verdict(data, version)
                if detail.startswith("template:"):
                    templates.append((f"{path}:{start}", detail))
                # A first error that is a missing field, or a patch directive, marks a patch.
                if verdict == "skipped" or detail.startswith("required:") or "'$patch'" in detail \
                        or "'$setElementOrder/" in detail or "'$retainKeys'" in detail:
                    continue
                inside = [f for f in mine if start <= f["start"]["line"] <= end]
                schema = [f for f in inside if f["code"].startswith("SCHEMA")]
                errors = [f for f in schema if f["severity"] == "error"]
                where = f"{path}:{start}"
                if verdict == "rejected":
                    rejected += 1
                    if not inside:
                        missed.append((where, detail))
                    if not schema:
                        schema_only_missed += 1
                else:
                    accepted += 1
                    if errors:
                        false_errors.append((where, errors[0]["code"] + " " + errors[0]["message"][:200]))

    found = 1 - len(missed) / rejected if rejected else 1.0
    clean = 1 - len(false_errors) / accepted if accepted else 1.0
    print(f"kubernetes-validate {kubernetes_validate.__version__ if hasattr(kubernetes_validate, '__version__') else ''} --strict at {version}:")
    print(f"  rejected documents with a finding of SCHEMA or an owner: {rejected - len(missed)}/{rejected} ({found:.1%});"
          f" with a SCHEMA finding: {rejected - schema_only_missed}/{rejected}")
    print(f"  accepted documents without a SCHEMA error: {accepted - len(false_errors)}/{accepted} ({clean:.1%})")
    print(f"  of the rejected, {len(templates)} for a template placeholder (SCHEMA002 at info level)")
    if verbose:
        for where, detail in templates:
            print(f"  template {where}  [{detail}]")
    if verbose or found < THRESHOLD:
        for where, detail in missed:
            print(f"  missed   {where}  [{detail}]")
    if verbose or clean < THRESHOLD:
        for where, detail in false_errors:
            print(f"  extra    {where}  [{detail}]")
    if found < THRESHOLD or clean < THRESHOLD:
        sys.exit(f"below {THRESHOLD:.0%}")


if __name__ == "__main__":
    main()
