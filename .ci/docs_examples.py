"""Writes the configuration examples of docs/ci.md out as files, for the real validators
(.ci/integration), and checks what those cannot.

Usage: docs_examples.py ROOT OUT

A ```yaml block of docs/ci.md whose first line is a comment naming its file is an example:
`# .github/workflows/<name>.yml` (written to OUT/workflows/), `# .gitlab-ci.yml` (OUT/gitlab/) or
`# .pre-commit-config.yaml` (OUT/pre-commit/). Also written: OUT/action-steps/action.yml, a
workflow that runs action.yml's composite steps as a job (with `inputs` as workflow_call
inputs), so actionlint checks the action's expressions and steps as it does a workflow's.

Checked here: each kind has at least one example (so the validators never pass on nothing);
every `with:` key given to the ekslint action is one of action.yml's inputs; no example or
action pins a version of github/codeql-action older than v4; every example pins ekslint to a
release tag (never a branch).
"""
import pathlib
import re
import sys

import yaml

ROOT, OUT = map(pathlib.Path, sys.argv[1:3])
KINDS = {
    "workflows": re.compile(r"^# \.github/workflows/([\w.-]+\.ya?ml)$"),
    "gitlab": re.compile(r"^# (\.gitlab-ci\.yml)$"),
    "pre-commit": re.compile(r"^# (\.pre-commit-config\.yaml)$"),
}
TAG = re.compile(r"^v\d+\.\d+\.\d+$")


def fail(message):
    sys.exit(f"docs/ci.md: {message}")


def main():
    doc = (ROOT / "docs/ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", doc, flags=re.S | re.M)
    written = {kind: [] for kind in KINDS}
    for block in blocks:
        first = block.splitlines()[0]
        for kind, pattern in KINDS.items():
            m = pattern.match(first)
            if m:
                target = OUT / kind / m.group(1).lstrip(".")
                if target.exists():
                    fail(f"two examples named {m.group(1)}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block, encoding="utf-8")
                written[kind].append(target)
    for kind, files in written.items():
        if not files:
            fail(f"no {kind} example found")

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    inputs = set(action["inputs"])
    texts = [(ROOT / "action.yml").read_text(encoding="utf-8")]
    for path in written["workflows"]:
        texts.append(path.read_text(encoding="utf-8"))
        workflow = yaml.safe_load(texts[-1])
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                uses = step.get("uses", "")
                if uses.startswith("ekslint/ekslint@"):
                    if not TAG.match(uses.split("@", 1)[1]):
                        fail(f"{path.name}: {uses} is not pinned to a release tag")
                    unknown = set(step.get("with", {})) - inputs
                    if unknown:
                        fail(f"{path.name}: inputs {sorted(unknown)} are not in action.yml")
    for path in written["gitlab"] + written["pre-commit"]:
        texts.append(path.read_text(encoding="utf-8"))
    for path in written["pre-commit"]:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        for repo in config["repos"]:
            if "ekslint" in repo["repo"] and not TAG.match(str(repo["rev"])):
                fail(f"{path.name}: rev {repo['rev']} is not a release tag")
    for text in texts:
        for old in re.findall(r"github/codeql-action/[\w-]+@v([0-3])\b", text):
            fail(f"github/codeql-action pinned at v{old}; use v4")
        for ref in re.findall(r"ekslint(?:\.git)?[@ ](?:--tag |--branch )?(main|master)\b", text):
            fail(f"ekslint pinned to the branch {ref}")

    # action.yml's steps as a workflow job, for actionlint.
    job_inputs = {
        name: {"type": "string", "required": False, "default": str(spec.get("default", ""))}
        for name, spec in action["inputs"].items()
    }
    workflow = {
        "name": "action.yml steps",
        "on": {"workflow_call": {"inputs": job_inputs}},
        "permissions": {"contents": "read"},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }
    target = OUT / "action-steps" / "action.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
    for kind, files in written.items():
        print(f"  docs/ci.md: {len(files)} {kind} example(s): {', '.join(f.name for f in files)}")


if __name__ == "__main__":
    main()
