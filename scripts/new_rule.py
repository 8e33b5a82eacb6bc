#!/usr/bin/env python3
"""Scaffold a new ekslint rule in the house shape, in one command.

    python3 scripts/new_rule.py CSI020 ebs-snapshot-class-missing \
        --severity warning --summary "A VolumeSnapshot names a class the input does not have"

It writes:
  crates/ekslint_rules/src/rules/<family>/<snake_name>.rs   the rule: declare_rule! with the doc
                                                            sections and a check_object to fill in
  fixtures/<CODE>-<name>/fail.yaml and pass.yaml            the failing and passing cases
and inserts:
  `pub mod <snake_name>;` into rules/<family>/mod.rs        (sorted)
  the registry line into rules/mod.rs                       (in code order)

Then: write the check, the fixtures (mark each expected finding `# expect: CODE`), the docs
(Example and Use instead are linted by `cargo test --test docs`), and run
`EKSLINT_UPDATE_DOCS=1 cargo test --test registry` to generate docs/rules/<CODE>.md.
See docs/contributing.md.
"""

import argparse
import re
import sys
from pathlib import Path

SEVERITIES = {"error": "Error", "warning": "Warning", "info": "Info"}

TEMPLATE = '''use ekslint_manifest::Object;

use crate::context::FileCtx;
use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {{
    /// ## What it does
    /// TODO: what the rule reports, in one or two sentences.
    ///
    /// ## Why is this bad?
    /// TODO: what breaks or bites on EKS, and when.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: example
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: example
    /// ```
    ///
    /// ## References
    /// - TODO: the upstream source of the fact, with repository and file.
    pub struct {type_name} {{
        code: "{code}",
        name: "{name}",
        family: {family_variant},
        severity: {severity},
        fix: None,
        summary: "{summary}",
    }}
}}

impl Rule for {type_name} {{
    fn check_object(&self, ctx: &mut FileCtx<'_>, obj: &Object) {{
        let tree = ctx.tree();
        let _ = (tree, obj);
        // TODO: find the offending key or value and report it at its span:
        // ctx.report(tree.span(node), "what is wrong").label("here").help("what to write");
    }}
}}
'''


def camel(kebab: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in kebab.split("-"))


def fail(msg: str) -> None:
    print(f"new_rule: {msg}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("code", help="family prefix plus three digits, e.g. CSI020")
    ap.add_argument("name", help="kebab-case name, e.g. ebs-snapshot-class-missing")
    ap.add_argument("--severity", choices=sorted(SEVERITIES), default="warning")
    ap.add_argument("--summary", default="TODO: one sentence, no full stop")
    ap.add_argument("--root", default=str(Path(__file__).resolve().parent.parent),
                    help="the repository root (default: this script's repository)")
    args = ap.parse_args()

    root = Path(args.root)
    rules_dir = root / "crates/ekslint_rules/src/rules"
    m = re.fullmatch(r"([A-Z]+)(\d{3})", args.code)
    if not m:
        fail(f"`{args.code}` is not a code: a family prefix in capitals and three digits (CSI020)")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.name):
        fail(f"`{args.name}` is not a kebab-case name")
    if '"' in args.summary or args.summary.endswith("."):
        fail("the summary is one sentence without quotes or a final full stop")
    prefix = m.group(1)
    family = prefix.lower()
    family_dir = rules_dir / family
    registry = rules_dir / "mod.rs"
    reg = registry.read_text()
    if not family_dir.is_dir() or f"pub mod {family};" not in reg:
        fail(f"no family `{prefix}`: create rules/{family}/ (mod.rs, support/mod.rs), add `pub mod {family};` "
             f"to rules/mod.rs and a `Family` variant with its prefix in rule.rs first")
    # Codes and names must be new.
    for f in rules_dir.rglob("*.rs"):
        text = f.read_text()
        if f'code: "{args.code}"' in text:
            fail(f"{args.code} exists already in {f.relative_to(root)}")
        if f'name: "{args.name}"' in text:
            fail(f"the name {args.name} is taken in {f.relative_to(root)}")
    family_variant = None
    rule_rs = (root / "crates/ekslint_rules/src/rule.rs").read_text()
    for variant, pre in re.findall(r'Family::(\w+) => "([A-Z]+)"', rule_rs):
        if pre == prefix:
            family_variant = variant
    if family_variant is None:
        fail(f"rule.rs has no Family variant with prefix {prefix}")

    snake = args.name.replace("-", "_")
    type_name = camel(args.name)
    rule_file = family_dir / f"{snake}.rs"
    fixtures = root / "fixtures" / f"{args.code}-{args.name}"
    if rule_file.exists() or fixtures.exists():
        fail(f"{rule_file.relative_to(root)} or {fixtures.relative_to(root)} exists already")

    # 1. The rule file.
    rule_file.write_text(TEMPLATE.format(
        type_name=type_name, code=args.code, name=args.name, family_variant=family_variant,
        severity=SEVERITIES[args.severity], summary=args.summary))

    # 2. `pub mod` in the family, sorted among the rule modules.
    fam_mod = family_dir / "mod.rs"
    lines = fam_mod.read_text().splitlines()
    mods = [i for i, l in enumerate(lines) if re.fullmatch(r"pub mod \w+;", l) and l != "pub mod support;"]
    new = f"pub mod {snake};"
    if mods:
        at = next((i for i in mods if lines[i] > new), mods[-1] + 1)
    else:
        at = len(lines)
    lines.insert(at, new)
    fam_mod.write_text("\n".join(lines) + "\n")

    # 3. The registry line, in code order.
    entry = f"    &{family}::{snake}::{type_name},"
    reg_lines = reg.splitlines()
    entries = [(i, re.search(r'&(\w+)::(\w+)::(\w+),', l)) for i, l in enumerate(reg_lines)]
    entries = [(i, m) for i, m in entries if m]
    codes = {}
    for f in rules_dir.rglob("*.rs"):
        for t, c in re.findall(r'pub struct (\w+) \{\s*code: "(\w+)"', f.read_text()):
            codes[t] = c
    after = None
    for i, em in entries:
        c = codes.get(em.group(3))
        if c is not None and c < args.code:
            after = i
    insert_at = (after + 1) if after is not None else entries[0][0]
    reg_lines.insert(insert_at, entry)
    registry.write_text("\n".join(reg_lines) + "\n")

    # 4. Fixtures.
    fixtures.mkdir(parents=True)
    (fixtures / "fail.yaml").write_text(
        f"# The case {args.code} reports; mark each line with a finding `# expect: {args.code}`.\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
        f"  name: example # expect: {args.code}\n")
    (fixtures / "pass.yaml").write_text(
        f"# The same object written correctly: {args.code} reports nothing.\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: example\n")

    for p in [rule_file, fam_mod, registry, fixtures / "fail.yaml", fixtures / "pass.yaml"]:
        print(f"wrote {p.relative_to(root)}")
    print("next: write the check and the fixtures, then `EKSLINT_UPDATE_DOCS=1 cargo test --test registry`"
          " and `cargo test`")


if __name__ == "__main__":
    main()
