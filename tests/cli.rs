//! End-to-end tests of the built `ekslint` binary: exit codes, stdin, bad paths, config errors,
//! determinism across thread counts, and positions in every format.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn ekslint(args: &[&str]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, None)
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ekslint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed by a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn clean_input_exits_0_findings_exit_1() {
    let o = ekslint(&[
        "check",
        "--no-config",
        "fixtures/API001-api-removed/pass.yaml",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("No problems found"), "{}", stdout(&o));
    let o = ekslint(&[
        "check",
        "--no-config",
        "fixtures/API001-api-removed/fail.yaml",
    ]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("API001"));
}

#[test]
fn fail_on_decides_which_severities_fail() {
    let f = "fixtures/API002-api-deprecated/fail.yaml";
    let o = ekslint(&["check", "--no-config", "--target-version", "1.33", f]);
    assert_eq!(code(&o), 0, "a warning does not fail by default");
    let o = ekslint(&[
        "check",
        "--no-config",
        "--target-version",
        "1.33",
        "--fail-on",
        "warning",
        f,
    ]);
    assert_eq!(code(&o), 1);
}

#[test]
fn target_version_moves_removed_to_clean() {
    let f = "fixtures/API001-api-removed/fail.yaml";
    let o = ekslint(&[
        "check",
        "--no-config",
        "--target-version",
        "1.15",
        "--format",
        "json",
        f,
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let errors: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(
        errors.is_empty(),
        "nothing in this file is removed by 1.15: {errors:?}"
    );
    let o = ekslint(&[
        "check",
        "--no-config",
        "--target-version",
        "v1.33.4",
        "--format",
        "json",
        f,
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["target_version"], "1.33");
    let api: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "API001")
        .collect();
    assert_eq!(api.len(), 2);
    assert_eq!(
        (
            api[0]["start"]["line"].as_u64(),
            api[0]["start"]["column"].as_u64()
        ),
        (Some(2), Some(13))
    );
}

#[test]
fn stdin_with_a_filename() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: nightly\n";
    let o = run_in(
        dir,
        &[
            "check",
            "--no-config",
            "--stdin-filename",
            "k8s/cron.yaml",
            "--format",
            "github",
            "-",
        ],
        Some(text),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("::error file=k8s/cron.yaml,line=1,col=13,"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bad_paths_are_reported_and_the_run_goes_on() {
    let o = ekslint(&[
        "check",
        "--no-config",
        "does/not/exist.yaml",
        "fixtures/API001-api-removed/fail.yaml",
    ]);
    assert_eq!(code(&o), 2, "an I/O error exits 2");
    assert!(
        stdout(&o).contains("does/not/exist.yaml") || stderr(&o).contains("does/not/exist.yaml")
    );
    assert!(
        stdout(&o).contains("API001"),
        "the other file is still linted"
    );
}

#[test]
fn config_errors_point_at_their_line_and_exit_2() {
    let d = scratch("config-error");
    std::fs::write(
        d.join(".ekslint.yaml"),
        "target-version: '1.33'\nignroe: [API002]\n",
    )
    .unwrap();
    std::fs::write(
        d.join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .unwrap();
    let o = run_in(&d, &["check", "."], None);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("unknown setting `ignroe`"), "{err}");
    assert!(err.contains(".ekslint.yaml:2:1"), "{err}");
    assert!(err.contains("did you mean `ignore`"), "{err}");
}

#[test]
fn config_file_selects_and_targets() {
    let d = scratch("config-ok");
    std::fs::write(
        d.join(".ekslint.yaml"),
        "target-version: 1.20\nignore: [YAML, PORT]\n",
    )
    .unwrap();
    std::fs::write(d.join("ing.yaml"), "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata:\n  name: a\n  labels: {on: yes}\n").unwrap();
    let o = run_in(&d, &["check", "--format", "json", "."], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["target_version"], "1.20",
        "unquoted 1.20 is read as text, not the float 1.2"
    );
    let codes: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["API002"],
        "YAML and PORT rules ignored, Ingress deprecated at 1.20"
    );
}

/// `registries:` in the config: a private cluster turns images outside ECR and the allowed
/// registries into errors, one finding per image reference, counted per registry in the summary.
#[test]
fn config_registries_decide_the_image_findings() {
    let d = scratch("config-registries");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: quay.io/org/a:1}\n  - {name: b, image: quay.io/org/b:1}\n  - {name: c, image: mirror.corp.example/org/c:1}\n  - {name: d, image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/d:1}\n  - {name: e, image: nginx:1.27}\n";
    std::fs::write(d.join("pod.yaml"), pod).unwrap();
    let codes = |o: &Output| -> Vec<(String, u64, String)> {
        let v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["start"]["line"].as_u64().unwrap(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // Without the setting: only Docker Hub's advice.
    let o = run_in(
        &d,
        &["check", "--select", "PORT", "--format", "json", "."],
        None,
    );
    let found = codes(&o);
    assert_eq!(code(&o), 0, "{found:?}");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("PORT023", 10));
    std::fs::write(
        d.join(".ekslint.yaml"),
        "registries:\n  allowed: [mirror.corp.example]\n  private-cluster: true\n",
    )
    .unwrap();
    let o = run_in(
        &d,
        &["check", "--select", "PORT", "--format", "json", "."],
        None,
    );
    let found = codes(&o);
    assert_eq!(
        code(&o),
        1,
        "private-cluster findings are errors: {found:?}"
    );
    let lines: Vec<(&str, u64)> = found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
    assert_eq!(lines, [("PORT022", 6), ("PORT022", 7), ("PORT022", 10)]);
    assert!(found[0].2.contains("quay.io"), "{}", found[0].2);
    // The per-registry count lives in the human summary, not in each message (it would
    // change a GitLab fingerprint whenever another file gains an image).
    assert!(!found[0].2.contains("one of 2"), "{}", found[0].2);
    let o = run_in(&d, &["check", "--select", "PORT", "."], None);
    let text = stdout(&o);
    let table = text
        .split("Image references with a finding, by registry:")
        .nth(1)
        .unwrap_or_else(|| panic!("no registry table in:\n{text}"));
    let rows: Vec<&str> = table.lines().take(3).map(str::trim).collect();
    assert!(
        rows.iter()
            .any(|r| r.starts_with('2') && r.ends_with("quay.io")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with('1') && r.ends_with("Docker Hub")),
        "{rows:?}"
    );
}

#[test]
fn output_is_identical_for_any_thread_count() {
    for format in [
        "human", "concise", "json", "sarif", "github", "junit", "gitlab", "markdown", "html",
    ] {
        let one = ekslint(&[
            "check",
            "--no-config",
            "--threads",
            "1",
            "--format",
            format,
            "fixtures",
        ]);
        let many = ekslint(&[
            "check",
            "--no-config",
            "--threads",
            "8",
            "--format",
            format,
            "fixtures",
        ]);
        assert_eq!(code(&one), 1);
        assert_eq!(
            one.stdout, many.stdout,
            "{format} differs between 1 and 8 threads"
        );
    }
}

/// A file large enough to be loaded in parts (on several threads) reports exactly what it
/// reports on one thread, in every format.
#[test]
fn a_large_file_loaded_in_parts_gives_identical_output_for_any_thread_count() {
    // The failing fixtures of every family but YAML (whose syntax errors make the loader read
    // a file in one piece), in one multi-document file large enough to be loaded in parts.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut docs = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().collect();
    dirs.sort_by_key(|d| d.file_name());
    for dir in dirs {
        if dir.file_name().to_string_lossy().starts_with("YAML") {
            continue;
        }
        let mut files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        files.sort_by_key(|f| f.file_name());
        for f in files {
            let name = f.file_name().to_string_lossy().into_owned();
            if name.starts_with("fail") && name.ends_with(".yaml") {
                let text = std::fs::read_to_string(f.path()).unwrap();
                if !text.contains('\r') && !text.contains('%') {
                    docs.push(text);
                }
            }
        }
    }
    assert!(docs.len() > 30);
    // Spread over unique ConfigMaps (every 50th with a number where a string belongs) to over
    // 2.5 MB, so that every part of the file has findings.
    let filler = |i: usize| {
        let timeout = if i % 50 == 7 {
            format!("{}", i % 60)
        } else {
            format!("\"{}\"", i % 60)
        };
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-{i:06}\n  namespace: team-{:02}\ndata:\n  LOG_LEVEL: info\n  TIMEOUT_SECONDS: {timeout}\n  application.properties: |\n    server.port={}\n    cache.ttl=300\n",
            i % 40,
            8000 + i % 1000
        )
    };
    let mut big = String::new();
    let mut i = 0;
    while big.len() < 5 << 19 {
        let doc = if i % 40 == 0 && i / 40 < docs.len() {
            docs[i / 40].clone()
        } else {
            filler(i)
        };
        if !big.is_empty() {
            big.push_str("---\n");
        }
        big.push_str(&doc);
        if !big.ends_with('\n') {
            big.push('\n');
        }
        i += 1;
    }
    let d = scratch("large-file");
    std::fs::write(d.join("all.yaml"), &big).unwrap();
    // The same findings in every format; JSON and GitHub annotations are enough to compare.
    for format in ["json", "github"] {
        let run = |threads: &str| {
            run_in(
                &d,
                &[
                    "check",
                    "--no-config",
                    "--threads",
                    threads,
                    "--format",
                    format,
                    "all.yaml",
                ],
                None,
            )
        };
        let (one, many) = (run("1"), run("8"));
        assert_eq!(code(&one), 1, "{}", stderr(&one));
        assert_eq!(
            one.stdout, many.stdout,
            "{format} differs between 1 and 8 threads"
        );
        if format == "json" {
            let v: serde_json::Value = serde_json::from_str(&stdout(&one)).unwrap();
            let lines: Vec<u64> = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["start"]["line"].as_u64().unwrap_or(0))
                .collect();
            let last_line = big.lines().count() as u64;
            assert!(
                lines.iter().any(|&l| l > last_line * 9 / 10),
                "findings reach the end of the file"
            );
        }
    }
}

#[test]
fn every_finding_has_a_position_in_every_format() {
    let o = ekslint(&["check", "--no-config", "--format", "json", "fixtures"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.len() > 20);
    for f in findings {
        assert!(f["path"].as_str().unwrap().starts_with("fixtures/"), "{f}");
        assert!(f["start"]["line"].as_u64().unwrap() >= 1, "{f}");
        assert!(f["start"]["column"].as_u64().unwrap() >= 1, "{f}");
    }
    let o = ekslint(&["check", "--no-config", "--format", "sarif", "fixtures"]);
    let s: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("fixtures/"),
            "{r}"
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1, "{r}");
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1, "{r}");
    }
    let o = ekslint(&["check", "--no-config", "--format", "github", "fixtures"]);
    let lines: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    // One annotation per finding, each with a position (an empty output would pass a loop).
    assert_eq!(lines.len(), findings.len());
    for line in &lines {
        assert!(
            line.starts_with("::") && line.contains(",line=") && line.contains(",col="),
            "{line}"
        );
    }
}

#[test]
fn broken_middle_document_gets_one_diagnostic_and_the_rest_is_linted() {
    let d = scratch("middle");
    std::fs::write(
        d.join("three.yaml"),
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\n---\nkind: [oops\n---\napiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\n",
    )
    .unwrap();
    let o = run_in(
        &d,
        &["check", "--no-config", "--format", "json", "three.yaml"],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let got: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got.iter().filter(|(c, _)| c == "YAML001").count(),
        1,
        "{got:?}"
    );
    assert!(got.contains(&("API001".to_string(), 1)), "{got:?}");
    assert!(got.contains(&("API001".to_string(), 7)), "{got:?}");
}

#[test]
fn rules_and_rule_commands() {
    let o = ekslint(&["rules"]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).lines().any(|l| l.starts_with("API001 ")
            && l.split_whitespace().nth(1) == Some("api-removed")),
        "{}",
        stdout(&o)
    );
    let o = ekslint(&["rule", "api-removed"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        stdout(&o),
        std::fs::read_to_string("docs/rules/API001.md").unwrap()
    );
    let o = ekslint(&["rule", "API01"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("did you mean `API001`"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&ekslint(&["check", "--format", "xml"])), 2);
    assert_eq!(
        code(&ekslint(&[
            "check",
            "--no-config",
            "--select",
            "NOPE",
            "fixtures"
        ])),
        2
    );
    assert_eq!(
        code(&ekslint(&[
            "check",
            "--no-config",
            "--target-version",
            "latest",
            "fixtures"
        ])),
        2
    );
}

#[test]
fn quiet_prints_the_true_summary_and_keeps_the_exit_code() {
    let o = ekslint(&[
        "check",
        "--no-config",
        "--quiet",
        "fixtures/API001-api-removed/fail.yaml",
    ]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("Found 2 errors"), "{out}");
    assert!(
        !out.contains("error[API001]") && !out.contains('╭'),
        "no diagnostics with --quiet: {out}"
    );
}

#[test]
fn context_files_feed_facts_but_are_never_reported() {
    let dir = scratch("context");
    std::fs::write(
        dir.join("changed.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: \"1\"\n",
    )
    .unwrap();
    // Unchanged files with problems of their own: a removed API and broken YAML.
    std::fs::write(
        dir.join("old.yaml"),
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: x\n",
    )
    .unwrap();
    std::fs::write(dir.join("broken.yaml"), "a: [\n").unwrap();
    let d = dir.to_str().unwrap();
    let changed = dir.join("changed.yaml");
    let o = ekslint(&[
        "check",
        "--no-config",
        "--context",
        d,
        changed.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("API001") && !out.contains("YAML001"), "{out}");
    assert!(out.contains("Checked 1 file"), "{out}");
    assert!(out.contains("2 context files read"), "{out}");
    // The same files checked directly are reported.
    let o = ekslint(&["check", "--no-config", d]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("API001") && stdout(&o).contains("YAML001"));
}

#[test]
fn sarif_has_a_category_and_lists_parse_failures_as_notifications() {
    let dir = scratch("sarif-notes");
    std::fs::write(dir.join("broken.yaml"), "a: 1\nb: [\n").unwrap();
    let d = dir.to_str().unwrap();
    let o = ekslint(&[
        "check",
        "--no-config",
        "--format",
        "sarif",
        "--sarif-category",
        "k8s/prod",
        "--sarif-root",
        d,
        d,
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let run = &v["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "k8s/prod/");
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notes.len(), 1, "{notes:?}");
    let loc = &notes[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "broken.yaml");
    assert!(loc["region"]["startLine"].as_u64().unwrap() >= 2, "{loc}");
    assert_eq!(run["results"][0]["ruleId"], "YAML001");
}

#[cfg(unix)]
#[test]
fn broken_symbolic_links_in_a_walked_directory_are_named() {
    let dir = scratch("links");
    std::fs::write(
        dir.join("ok.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", dir.join("dangling.yaml")).unwrap();
    std::os::unix::fs::symlink("loop-b.yaml", dir.join("loop-a.yaml")).unwrap();
    std::os::unix::fs::symlink("loop-a.yaml", dir.join("loop-b.yaml")).unwrap();
    let o = ekslint(&["check", "--no-config", dir.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("dangling.yaml") && out.contains("dangling symbolic link"),
        "{out}"
    );
    assert!(
        out.contains("loop-a.yaml") && out.contains("symbolic link loop"),
        "{out}"
    );
    assert!(out.contains("Checked 1 file"), "{out}");
}

/// Issue 8's hostile inputs, each alone and all in one folder: an exit code of 0, 1 or 2 (never a
/// signal or a panic's 101) and a diagnostic that names the file.
#[cfg(unix)]
#[test]
fn hostile_inputs_never_crash_and_are_named() {
    let dir = scratch("hostile");
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("binary.yaml", (0u8..=255).cycle().take(1024).collect()),
        ("invalid-utf8.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"\xff\xfe\"\n".to_vec()),
        ("bom.yaml", "\u{feff}apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: bom\n".into()),
        ("crlf.yaml", b"apiVersion: extensions/v1beta1\r\nkind: Ingress\r\nmetadata:\r\n  name: crlf\r\n".to_vec()),
        ("tabs.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabs\n".to_vec()),
        ("empty.yaml", Vec::new()),
        ("scalar.yaml", b"just a string\n".to_vec()),
        ("list.yaml", b"- a\n- b\n".to_vec()),
        ("wrong-types.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata: 5\n---\napiVersion: v1\nkind: [a]\nmetadata:\n  name: x\n".to_vec()),
        ("json-error.json", br#"{"apiVersion": "v1",, }"#.to_vec()),
        ("deep-flow.yaml", format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
        ("deep-block.yaml", (0..5000).map(|i| format!("{}k:\n", " ".repeat(i))).collect::<String>().into_bytes()),
        ("long-line.yaml", format!("a: \"{}\"\n", "x".repeat(2 * 1024 * 1024)).into_bytes()),
        ("many-docs.yaml", "---\na: 1\n".repeat(120_000).into_bytes()),
    ];
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (prev, name) in "abcdefgh".chars().zip("bcdefghi".chars()) {
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
    }
    files.push(("alias-bomb.yaml", bomb.into_bytes()));
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    std::fs::create_dir(dir.join("a-directory.yaml")).unwrap();
    std::os::unix::fs::symlink("nowhere.yaml", dir.join("dangling.yaml")).unwrap();
    std::os::unix::fs::symlink("loop-b.yaml", dir.join("loop-a.yaml")).unwrap();
    std::os::unix::fs::symlink("loop-a.yaml", dir.join("loop-b.yaml")).unwrap();
    let quiet_ok = ["bom.yaml", "crlf.yaml", "many-docs.yaml"];
    for (name, _) in &files {
        let path = dir.join(name);
        let o = ekslint(&["check", "--no-config", path.to_str().unwrap()]);
        let c = code(&o);
        assert!((0..=2).contains(&c), "{name}: exit {c}\n{}", stderr(&o));
        if !quiet_ok.contains(name) {
            assert!(
                stdout(&o).contains(name),
                "{name}: not named\n{}",
                stdout(&o)
            );
        }
    }
    // BOM and CRLF files are linted with exact positions: the removed API is on line 1, col 13.
    for name in ["bom.yaml", "crlf.yaml"] {
        let o = ekslint(&[
            "check",
            "--no-config",
            "--format",
            "github",
            dir.join(name).to_str().unwrap(),
        ]);
        assert!(
            stdout(&o).contains("line=1,col=13,endLine=1,endColumn=31"),
            "{name}: {}",
            stdout(&o)
        );
    }
    let o = ekslint(&["check", "--no-config", dir.to_str().unwrap()]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let out = stdout(&o);
    for name in [
        "binary.yaml",
        "deep-flow.yaml",
        "alias-bomb.yaml",
        "dangling.yaml",
        "loop-a.yaml",
        "long-line.yaml",
    ] {
        assert!(out.contains(name), "{name} not named in the folder run");
    }
}

/// Files without findings of their own are not kept in memory: a cross-file finding and its
/// related labels load them again by path, with the exact lines and columns.
#[test]
fn cross_file_findings_show_files_read_again_after_their_pass() {
    let dir = "fixtures/IRSA003-role-on-other-service-account/fail-multi-file";
    let o = ekslint(&["check", "--no-config", "--color", "never", dir]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("b-deployment.yaml:15:27: warning[IRSA003]")
            && out.contains("serviceAccountName: reader"),
        "{out}"
    );
    // Both related labels point into the ServiceAccount file, which has no finding itself.
    assert!(out.contains("a-serviceaccounts.yaml:12:9]"), "{out}");
    assert!(out.contains("a-serviceaccounts.yaml:4:9]"), "{out}");
    assert!(out.contains(" 5 │   namespace: batch"), "{out}");
    assert!(!stderr(&o).contains("changed"), "{}", stderr(&o));
}

/// `--progress` draws only on a terminal: piped (as here, and in CI) it prints nothing, so logs
/// and SARIF runs stay clean. `--timings` names every phase.
#[test]
fn progress_is_silent_when_piped_and_timings_name_each_phase() {
    let o = ekslint(&[
        "check",
        "--no-config",
        "--progress",
        "--timings",
        "--format",
        "json",
        "examples",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
    for phase in [
        "discovery",
        "per-file pass",
        "cross-object pass",
        "output",
        "total",
    ] {
        assert!(err.contains(phase), "{phase} missing: {err}");
    }
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON on stdout");
    assert!(json["findings"].as_array().is_some_and(|f| !f.is_empty()));
}

// ---- Issue 20: bugs a new user hit. Each test failed before its fix. ----

/// `per-file-ignores` globs are relative to the config file's directory, wherever ekslint runs.
#[test]
fn per_file_ignores_resolve_against_the_config_directory() {
    let d = scratch("per-file-ignores-cwd");
    std::fs::write(
        d.join(".ekslint.yaml"),
        "per-file-ignores:\n  \"legacy/**\": [API001]\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.join("legacy/deep")).unwrap();
    let removed = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: a\n";
    std::fs::write(d.join("legacy/ing.yaml"), removed).unwrap();
    std::fs::write(d.join("legacy/deep/ing.yaml"), removed).unwrap();
    std::fs::write(d.join("new.yaml"), removed).unwrap();
    let api001 = |dir: &Path, args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let o = run_in(dir, &all, None);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "API001")
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(api001(&d, &["."]), ["new.yaml"]);
    assert!(api001(&d.join("legacy"), &["."]).is_empty());
    assert!(api001(&d.join("legacy/deep"), &["ing.yaml"]).is_empty());
    assert!(api001(&d.join("legacy"), &["../legacy/ing.yaml"]).is_empty());
    assert_eq!(api001(&d.join("legacy"), &["../new.yaml"]), ["../new.yaml"]);
    // An absolute path to the file, and a config named with --config from elsewhere.
    let abs = d.join("legacy/ing.yaml");
    assert!(api001(&d, &[abs.to_str().unwrap()]).is_empty());
    let cfg = d.join(".ekslint.yaml");
    let elsewhere = scratch("per-file-ignores-elsewhere");
    assert!(
        api001(
            &elsewhere,
            &["--config", cfg.to_str().unwrap(), abs.to_str().unwrap()]
        )
        .is_empty()
    );
}

/// `--limit max-documents` stops reading a valid file after that many documents, with a YAML005
/// finding (it used to be checked only after a broken document).
#[test]
fn max_documents_is_enforced_for_valid_yaml() {
    let d = scratch("max-documents");
    let docs = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n".repeat(5);
    std::fs::write(d.join("five.yaml"), docs).unwrap();
    let o = run_in(
        &d,
        &[
            "check",
            "--no-config",
            "--limit",
            "max-documents=3",
            "--format",
            "json",
            "five.yaml",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["documents"], 3, "{v}");
    let limit: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "YAML005")
        .collect();
    assert_eq!(limit.len(), 1, "{v}");
    assert!(
        limit[0]["message"]
            .as_str()
            .unwrap()
            .contains("more than 3 documents"),
        "{v}"
    );
    // At the limit exactly, nothing is left out and nothing is reported.
    let o = run_in(
        &d,
        &[
            "check",
            "--no-config",
            "--limit",
            "max-documents=5",
            "--format",
            "json",
            "five.yaml",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["documents"], 5);
    assert!(v["findings"].as_array().unwrap().is_empty(), "{v}");
}

/// A reader that goes away (`ekslint rules | head -1`) ends the program quietly: no panic (exit
/// 101), no error message; `check` keeps the exit code of what it found.
#[test]
fn a_closed_stdout_ends_the_program_quietly() {
    let closed = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ekslint"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the program writes anything.
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    };
    let o = closed(&["rules"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let o = closed(&["rule", "API001"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    for format in [
        "human", "concise", "json", "sarif", "github", "junit", "gitlab", "markdown", "html",
    ] {
        let o = closed(&["check", "--no-config", "--format", format, "fixtures"]);
        assert_eq!(code(&o), 1, "{format}: {}", stderr(&o));
        assert!(!stderr(&o).contains("error:"), "{format}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{format}: {}", stderr(&o));
    }
}

#[test]
fn a_context_path_that_does_not_exist_exits_2() {
    let o = ekslint(&[
        "check",
        "--no-config",
        "--context",
        "does/not/exist",
        "fixtures/API001-api-removed/pass.yaml",
    ]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    let all = stdout(&o) + &stderr(&o);
    assert!(all.contains("does/not/exist"), "{all}");
    assert!(all.contains("--context"), "{all}");
}

/// Nothing to lint is said, not passed over in silence (ruff's "No files found").
#[test]
fn no_manifests_found_is_a_notice() {
    let empty = scratch("no-manifests-empty");
    let docs = scratch("no-manifests-docs");
    std::fs::write(docs.join("README.md"), "# not a manifest\n").unwrap();
    for dir in [&empty, &docs] {
        let o = run_in(dir, &["check", "--no-config", "."], None);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        assert!(
            stderr(&o).contains("warning: no manifests found"),
            "{}",
            stderr(&o)
        );
        assert!(stdout(&o).contains("Checked 0 files"), "{}", stdout(&o));
    }
    // Standard input is an input, even when empty.
    let o = run_in(&empty, &["check", "--no-config", "-"], Some(""));
    assert!(!stderr(&o).contains("no manifests found"), "{}", stderr(&o));
}

/// `1.3` (a typo of 1.30), `1.40` and `2.0` are not versions ekslint knows: rejected with the
/// range it knows and, where one is close, a suggestion.
#[test]
fn target_versions_outside_the_known_range_are_rejected() {
    let target = |v: &str| {
        ekslint(&[
            "check",
            "--no-config",
            "--target-version",
            v,
            "fixtures/API001-api-removed/pass.yaml",
        ])
    };
    let o = target("1.3");
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("did you mean `1.30`"), "{}", stderr(&o));
    for v in ["1.40", "2.0", "v1.99.1", "0.9"] {
        let o = target(v);
        assert_eq!(code(&o), 2, "{v}: {}", stdout(&o));
        assert!(stderr(&o).contains("knows Kubernetes 1."), "{}", stderr(&o));
    }
    for v in ["1.15", "1.36", "v1.30.2", "eks-latest"] {
        assert_eq!(code(&target(v)), 0, "{v} is known");
    }
    // The same check for the config file, with the position of the value.
    let d = scratch("target-typo");
    std::fs::write(d.join(".ekslint.yaml"), "target-version: \"1.3\"\n").unwrap();
    std::fs::write(
        d.join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .unwrap();
    let o = run_in(&d, &["check", "."], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains(".ekslint.yaml:1:17"), "{}", stderr(&o));
    assert!(stderr(&o).contains("did you mean `1.30`"), "{}", stderr(&o));
}

/// pre-commit passes files by name; `--force-exclude` still applies `.ekslintignore`,
/// `.gitignore` and `.ignore` to them (ruff's flag).
#[test]
fn force_exclude_applies_ignore_files_to_named_files() {
    let d = scratch("force-exclude");
    // The repository's root: ignore files above it (this clone's own) do not apply.
    std::fs::create_dir(d.join(".git")).unwrap();
    std::fs::write(
        d.join(".ekslintignore"),
        "vendor/\nskip-*.yaml\n!skip-but-keep.yaml\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.join("vendor/sub")).unwrap();
    std::fs::create_dir_all(d.join("app")).unwrap();
    std::fs::write(d.join("app/.gitignore"), "generated.yaml\n").unwrap();
    let removed = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: a\n";
    for f in [
        "vendor/sub/a.yaml",
        "skip-me.yaml",
        "skip-but-keep.yaml",
        "app/generated.yaml",
        "app/real.yaml",
    ] {
        std::fs::write(d.join(f), removed).unwrap();
    }
    let named = [
        "vendor/sub/a.yaml",
        "skip-me.yaml",
        "skip-but-keep.yaml",
        "app/generated.yaml",
        "app/real.yaml",
    ];
    let paths = |o: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
        let mut p: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect();
        p.dedup();
        p
    };
    let mut args = vec!["check", "--no-config", "--format", "json"];
    args.extend_from_slice(&named);
    let o = run_in(&d, &args, None);
    assert_eq!(paths(&o).len(), 5, "named files are linted by default");
    let mut args = vec![
        "check",
        "--no-config",
        "--force-exclude",
        "--format",
        "json",
    ];
    args.extend_from_slice(&named);
    let o = run_in(&d, &args, None);
    assert_eq!(paths(&o), ["app/real.yaml", "skip-but-keep.yaml"]);
    // From a subdirectory, the ignore files above it still apply.
    let o = run_in(
        &d.join("app"),
        &[
            "check",
            "--no-config",
            "--force-exclude",
            "--format",
            "json",
            "generated.yaml",
            "real.yaml",
            "../vendor/sub/a.yaml",
        ],
        None,
    );
    assert_eq!(paths(&o), ["real.yaml"]);
    // Excluding every named file is not an error.
    let o = run_in(
        &d,
        &["check", "--no-config", "--force-exclude", "skip-me.yaml"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// Sizes in messages are exact: "0 MiB over the 0 MiB limit" said nothing.
#[test]
fn file_size_limit_messages_name_real_sizes() {
    let d = scratch("max-file-bytes");
    std::fs::write(d.join("big.yaml"), "a: 1\n".repeat(300)).unwrap();
    let o = run_in(
        &d,
        &[
            "check",
            "--no-config",
            "--limit",
            "max-file-bytes=1000",
            "big.yaml",
        ],
        None,
    );
    assert_eq!(code(&o), 2);
    let all = stdout(&o) + &stderr(&o);
    assert!(!all.contains("0 MiB"), "{all}");
    assert!(
        all.contains("1,500 bytes, over the limit of 1,000 bytes"),
        "{all}"
    );
}

/// A run that could not read an input does not end with "No problems found".
#[test]
fn no_problems_found_is_not_claimed_after_an_error() {
    let o = ekslint(&[
        "check",
        "--no-config",
        "does/not/exist.yaml",
        "fixtures/API001-api-removed/pass.yaml",
    ]);
    assert_eq!(code(&o), 2);
    let all = stdout(&o) + &stderr(&o);
    assert!(!all.contains("No problems found"), "{all}");
    assert!(all.contains("1 input could not be read"), "{all}");
}

/// The `rules` table's columns line up whatever the length of a rule's name.
#[test]
fn the_rules_table_is_aligned() {
    let o = ekslint(&["rules"]);
    let out = stdout(&o);
    let mut lines = out.lines();
    let header = lines.next().unwrap();
    let col = |name: &str| header.find(name).unwrap();
    let (severity, fixable, summary) = (col("SEVERITY"), col("FIXABLE"), col("SUMMARY"));
    for line in lines {
        let chars: Vec<char> = line.chars().collect();
        for at in [severity, fixable, summary] {
            assert!(
                chars[at - 1] == ' ' && chars[at] != ' ',
                "column at {at} misaligned: {line}"
            );
        }
    }
}

// ---- Every format tells the same story as the JSON, on the real corpus. ----

/// (path, line, column, code) of one finding.
type Place = (String, u64, u64, String);

const REAL: &str = "../shared/corpus/real";

fn check_real(format: &str, extra: &[&str]) -> String {
    let mut args = vec!["check", "--no-config", "--format", format];
    args.extend_from_slice(extra);
    args.push(REAL);
    let o = ekslint(&args);
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(REAL).is_dir(),
        "{REAL} is missing: CI runs with ../shared beside the clone"
    );
    assert_eq!(code(&o), 1, "{format}: {}", stderr(&o));
    stdout(&o)
}

fn sorted(mut v: Vec<Place>) -> Vec<Place> {
    v.sort();
    v
}

/// A SARIF URI back to the path it encodes (`%20` for a space).
fn percent_decode(uri: &str) -> String {
    let b = uri.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len() + 1
            && let Some(v) = uri
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The same findings, or the count and the first that differs (not thousands of lines).
fn assert_same(got: Vec<Place>, want: &[Place], format: &str) {
    let got = sorted(got);
    assert_eq!(got.len(), want.len(), "{format}: number of findings");
    if let Some((g, w)) = got.iter().zip(want).find(|(g, w)| g != w) {
        panic!("{format}: {g:?} where JSON has {w:?}");
    }
}

/// `path:line:col: rest` at the start of `line`, where `path` may hold `:` itself.
fn split_place(line: &str) -> Option<(String, u64, u64, &str)> {
    let mut from = 0;
    while let Some(i) = line[from..].find(": ") {
        let head = &line[..from + i];
        let mut parts = head.rsplitn(3, ':');
        let (col, ln, path) = (parts.next()?, parts.next(), parts.next());
        if let (Ok(col), Some(Ok(ln)), Some(path)) = (col.parse(), ln.map(str::parse), path)
            && !path.is_empty()
        {
            return Some((path.to_string(), ln, col, &line[from + i + 2..]));
        }
        from += i + 2;
    }
    None
}

fn html_unescape(s: &str) -> String {
    s.replace("<wbr>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn every_format_agrees_with_json_on_the_real_corpus() {
    let json: serde_json::Value = serde_json::from_str(&check_real("json", &[])).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() > 100, "the corpus has findings");
    let want = sorted(
        findings
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["start"]["line"].as_u64().unwrap(),
                    f["start"]["column"].as_u64().unwrap(),
                    f["code"].as_str().unwrap().to_string(),
                )
            })
            .collect(),
    );
    let count_by = |key: &dyn Fn(&serde_json::Value) -> String| {
        let mut m = std::collections::BTreeMap::<String, u64>::new();
        for f in findings {
            *m.entry(key(f)).or_default() += 1;
        }
        m
    };
    let by_code = count_by(&|f| f["code"].as_str().unwrap().to_string());
    let by_file = count_by(&|f| f["path"].as_str().unwrap().to_string());
    let by_namespace = count_by(&|f| f["namespace"].as_str().unwrap_or("").to_string());
    assert!(by_namespace.len() > 5, "findings know their namespace");

    // concise: one `path:line:col: CODE message` line per finding.
    let concise = check_real("concise", &[]);
    let got: Vec<Place> = concise
        .lines()
        .filter_map(split_place)
        .map(|(p, l, c, rest)| (p, l, c, rest.split(' ').next().unwrap().to_string()))
        .collect();
    assert_same(got, &want, "concise");

    // human: each finding's first line is `path:line:col: severity[CODE] message`.
    let human = check_real("human", &["--color", "never"]);
    let got: Vec<Place> = human
        .lines()
        .filter_map(split_place)
        .filter_map(|(p, l, c, rest)| {
            let (severity, tail) = rest.split_once('[')?;
            ["error", "warning", "info"]
                .contains(&severity)
                .then(|| (p, l, c, tail.split(']').next().unwrap().to_string()))
        })
        .collect();
    assert_same(got, &want, "human");

    // github: `::error file=…,line=…,col=…,…,title=CODE (name)::…`.
    let github = check_real("github", &[]);
    let got: Vec<Place> = github
        .lines()
        .map(|l| {
            let props = l.split("::").nth(1).unwrap().split_once(' ').unwrap().1;
            let get = |k: &str| {
                props
                    .split(',')
                    .find_map(|p| p.strip_prefix(&format!("{k}=")))
                    .unwrap()
                    .to_string()
            };
            (
                get("file"),
                get("line").parse().unwrap(),
                get("col").parse().unwrap(),
                get("title").split(' ').next().unwrap().to_string(),
            )
        })
        .collect();
    assert_same(got, &want, "github");

    // sarif: one result per finding; URIs relative to the directory that holds shared/.
    let sarif: serde_json::Value =
        serde_json::from_str(&check_real("sarif", &["--sarif-root", ".."])).unwrap();
    let got: Vec<Place> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            (
                percent_decode(loc["artifactLocation"]["uri"].as_str().unwrap()),
                loc["region"]["startLine"].as_u64().unwrap(),
                loc["region"]["startColumn"].as_u64().unwrap(),
                r["ruleId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want_sarif_paths: Vec<Place> = want
        .iter()
        .map(|(p, l, c, k)| (p.trim_start_matches("../").to_string(), *l, *c, k.clone()))
        .collect();
    assert_same(got, &sorted(want_sarif_paths), "sarif");

    // junit: well-formed XML, one failing test case per finding, a suite per file.
    let junit = check_real("junit", &[]);
    let doc = roxmltree::Document::parse(&junit).expect("JUnit output parses as XML");
    let got: Vec<Place> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            assert!(n.children().any(|c| c.has_tag_name("failure")));
            let name = n.attribute("name").unwrap();
            let (code, at) = name.split_once(' ').unwrap();
            let (l, c) = at.rsplit(' ').next().unwrap().split_once(':').unwrap();
            assert_eq!(n.attribute("line"), Some(l));
            (
                n.attribute("classname").unwrap().to_string(),
                l.parse().unwrap(),
                c.parse().unwrap(),
                code.to_string(),
            )
        })
        .collect();
    assert_same(got, &want, "junit");
    let suites = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .count();
    assert_eq!(suites, by_file.len());

    // gitlab: lines only (no columns), unique fingerprints.
    let gitlab: serde_json::Value = serde_json::from_str(&check_real("gitlab", &[])).unwrap();
    let issues = gitlab.as_array().unwrap();
    let got: Vec<Place> = issues
        .iter()
        .map(|i| {
            (
                i["location"]["path"].as_str().unwrap().to_string(),
                i["location"]["lines"]["begin"].as_u64().unwrap(),
                0,
                i["check_name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want_lines: Vec<Place> = want
        .iter()
        .map(|(p, l, _, k)| (p.clone(), *l, 0, k.clone()))
        .collect();
    assert_same(got, &sorted(want_lines), "gitlab");
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), issues.len(), "unique fingerprints");

    // html: one table row per finding.
    let html = check_real("html", &[]);
    let got: Vec<Place> = html
        .lines()
        .filter(|l| l.starts_with("<tr data-code="))
        .map(|l| {
            let code = l.split('"').nth(1).unwrap().to_string();
            let path = l
                .split("<code>")
                .nth(1)
                .unwrap()
                .split("</code>")
                .next()
                .unwrap();
            let at = l
                .split(r#"<td class="n">"#)
                .nth(1)
                .unwrap()
                .split("</td>")
                .next()
                .unwrap();
            let (ln, col) = at.split_once(':').unwrap();
            (
                html_unescape(path),
                ln.parse().unwrap(),
                col.parse().unwrap(),
                code,
            )
        })
        .collect();
    assert_same(got, &want, "html");

    // markdown: the per-rule counts, the per-file counts and the per-namespace totals.
    let markdown = check_real("markdown", &[]);
    let table = |heading: &str| -> Vec<Vec<String>> {
        let section = markdown.split(heading).nth(1).unwrap();
        section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2)
            .map(|l| {
                l.trim_matches('|')
                    .split(" | ")
                    .map(|c| c.trim().to_string())
                    .collect()
            })
            .collect()
    };
    let rules: std::collections::BTreeMap<String, u64> = table("### By rule")
        .iter()
        .map(|r| {
            let code = r[0]
                .trim_start_matches("[`")
                .split('`')
                .next()
                .unwrap()
                .to_string();
            (code, r[3].replace(',', "").parse().unwrap())
        })
        .collect();
    assert_eq!(rules, by_code, "markdown rules");
    let files: std::collections::BTreeMap<String, u64> = table("### By file")
        .iter()
        .map(|r| {
            let n: u64 = r[1..4]
                .iter()
                .map(|c| c.replace(',', "").parse::<u64>().unwrap())
                .sum();
            (r[0].trim_matches('`').to_string(), n)
        })
        .collect();
    // The per-file table lists the first 300 files and says how many more there are.
    let more: usize = markdown
        .split("… and ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .map_or(0, |n| n.replace(',', "").parse().unwrap());
    assert_eq!(
        files.len() + more,
        by_file.len(),
        "markdown files: listed + more"
    );
    assert!(files.len() <= 300, "markdown lists at most 300 files");
    for (f, n) in &files {
        assert_eq!(by_file.get(f), Some(n), "markdown file {f}");
    }
    let namespaces: Vec<u64> = table("### By namespace")
        .iter()
        .map(|r| r[4].replace(',', "").parse().unwrap())
        .collect();
    let mut want_ns: Vec<u64> = by_namespace.values().copied().collect();
    let mut got_ns = namespaces.clone();
    want_ns.sort();
    got_ns.sort();
    assert_eq!(got_ns, want_ns, "markdown namespaces");
    let total = findings.len().to_string();
    let grouped: String = total
        .chars()
        .rev()
        .enumerate()
        .flat_map(|(i, c)| (i > 0 && i % 3 == 0).then_some(',').into_iter().chain([c]))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert!(
        markdown.contains(&format!("**{grouped} findings**")),
        "markdown total {grouped}"
    );

    // --statistics, as a table and as JSON: the counts per code.
    let stats = check_real("human", &["--statistics"]);
    let got: std::collections::BTreeMap<String, u64> = stats
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            (cells[1].to_string(), cells[0].parse().unwrap())
        })
        .collect();
    assert_eq!(got, by_code, "statistics table");
    let stats: serde_json::Value =
        serde_json::from_str(&check_real("json", &["--statistics"])).unwrap();
    let rows = stats.as_array().unwrap();
    let got: std::collections::BTreeMap<String, u64> = rows
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_string(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, by_code, "statistics JSON");
    let counts: Vec<u64> = rows.iter().map(|r| r["count"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "most first");
}

/// `--statistics` is a table or JSON; with another format it is a usage error.
#[test]
fn statistics_only_with_text_or_json() {
    let o = ekslint(&[
        "check",
        "--no-config",
        "--statistics",
        "--format",
        "sarif",
        "fixtures",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--statistics"), "{}", stderr(&o));
}

/// A finding's namespace is its object's `metadata.namespace`, for per-object and
/// cross-object findings, in documents and List items.
#[test]
fn findings_carry_the_namespace_of_their_object() {
    let d = scratch("namespaces");
    std::fs::write(
        d.join("all.yaml"),
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: a\n  namespace: shop\n\
         ---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: b\n\
         ---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: batch/v1beta1\n  kind: CronJob\n  metadata:\n    name: c\n    namespace: jobs\n\
         ---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: web\nspec:\n  template:\n    spec:\n      serviceAccountName: missing\n      containers: [{name: x, image: x}]\n",
    )
    .unwrap();
    let o = run_in(
        &d,
        &["check", "--no-config", "--format", "json", "all.yaml"],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let got: Vec<(String, u64, serde_json::Value)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ["API001", "IRSA016"].contains(&f["code"].as_str().unwrap()))
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["namespace"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("API001".to_string(), 1, "shop".into()),
            ("API001".to_string(), 7, serde_json::Value::Null),
            ("API001".to_string(), 15, "jobs".into()),
            ("IRSA016".to_string(), 29, "web".into()),
        ],
        "{v}"
    );
}

#[test]
fn hidden_directories_are_counted_and_linted_when_named() {
    let d = scratch("hidden");
    let removed = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: a}\n";
    std::fs::create_dir_all(d.join(".deploy")).unwrap();
    std::fs::create_dir_all(d.join(".git")).unwrap();
    std::fs::create_dir_all(d.join("app")).unwrap();
    std::fs::write(d.join(".deploy/ingress.yaml"), removed).unwrap();
    std::fs::write(d.join(".git/not-a-manifest.yaml"), removed).unwrap();
    std::fs::write(
        d.join("app/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    )
    .unwrap();
    // A walk leaves the hidden directory out, and says how much it left out (not .git).
    let o = run_in(&d, &["check", "--no-config", "--format", "json", "."], None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(v["summary"]["hidden_files"], 1);
    let o = run_in(&d, &["check", "--no-config", "."], None);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains("1 file in a hidden directory left out"),
        "{all}"
    );
    // Named, the directory and the file are linted.
    for named in [".deploy", ".deploy/ingress.yaml"] {
        let o = run_in(
            &d,
            &["check", "--no-config", "--format", "json", named],
            None,
        );
        assert_eq!(code(&o), 1, "{named}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["findings"][0]["code"], "API001", "{named}");
        assert_eq!(v["summary"]["hidden_files"], 0, "{named}");
    }
}

/// Precision on real repositories (issue 14): over `../shared/corpus`, no error-level finding
/// sits on a value that a templating step fills in (`${VAR}`, `{{ .Values.x }}`, `<account-id>`).
#[test]
fn no_error_sits_on_a_placeholder_in_the_corpus() {
    let corpus = Path::new("../shared/corpus");
    assert!(
        corpus.is_dir(),
        "../shared/corpus is missing: CI runs with ../shared beside the clone"
    );
    let o = ekslint(&[
        "check",
        "--no-config",
        "--format",
        "json",
        "../shared/corpus",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let mut checked = 0;
    for f in v["findings"].as_array().unwrap() {
        if f["severity"] != "error" {
            continue;
        }
        let path = f["path"].as_str().unwrap();
        let text = std::fs::read(path).unwrap();
        let (a, b) = (
            f["start"]["offset"].as_u64().unwrap() as usize,
            f["end"]["offset"].as_u64().unwrap() as usize,
        );
        let value = String::from_utf8_lossy(&text[a..b.min(text.len())]).to_string();
        let judges_templates = ekslint_rules::rules::find(f["code"].as_str().unwrap())
            .unwrap()
            .info()
            .judges_placeholders;
        assert!(
            judges_templates
                || value.contains('\n')
                || !ekslint_rules::support::placeholder::is_placeholder(&value),
            "{path}:{}: {} on `{value}`",
            f["start"]["line"],
            f["code"]
        );
        checked += 1;
    }
    assert!(checked > 100, "{checked} errors checked");
}

/// `--fix`, `--unsafe-fixes` and `--diff` (issue 17): span edits that keep comments, quoting,
/// CRLF and the byte-order mark; a second run changes nothing; files without fixes stay
/// byte-identical; `--diff` writes nothing; anchors refuse a fix.
#[test]
fn fix_and_diff_edit_files_in_place_and_only_what_they_must() {
    let d = scratch("fix");
    let hpa = "# Autoscaler from 2019\r\napiVersion: autoscaling/v2\r\nkind: HorizontalPodAutoscaler\r\nmetadata:\r\n  name: web # keep\r\nspec:\r\n  scaleTargetRef:\r\n    apiVersion: \"extensions/v1beta1\" # old\r\n    kind: Deployment\r\n    name: web\r\n  minReplicas: 2\r\n  maxReplicas: 10\r\n";
    let hpa_bom = format!("\u{feff}{hpa}");
    let typo = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    alb.ingress.kubernetes.io/scheem: internal # a typo\nspec:\n  ingressClassName: alb\n  defaultBackend:\n    service: {name: web, port: {number: 80}}\n";
    let clean = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: clean\ndata:\n  a: b\n";
    let anchored = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: &m\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: extensions/v1beta1\n    kind: Deployment\n    name: web\n  maxReplicas: 3\n";
    std::fs::write(d.join("hpa.yaml"), &hpa_bom).unwrap();
    std::fs::write(d.join("typo.yaml"), typo).unwrap();
    std::fs::write(d.join("clean.yaml"), clean).unwrap();
    std::fs::write(d.join("anchored.yaml"), anchored).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join("hpa.yaml"), std::fs::Permissions::from_mode(0o640))
            .unwrap();
    }
    let read = |n: &str| std::fs::read_to_string(d.join(n)).unwrap();

    // --diff shows the change and writes nothing.
    let o = run_in(&d, &["check", "--no-config", "--diff", "."], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("+    apiVersion: \"apps/v1\" # old\r"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("Would fix 1 finding in 1 file (API005)"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("with --unsafe-fixes (LBC001)"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("anchors, aliases"), "{}", stderr(&o));
    assert_eq!(read("hpa.yaml"), hpa_bom);

    // --fix applies the safe fix only, keeping BOM, CRLF, quoting, comments, permissions.
    let o = run_in(&d, &["check", "--no-config", "--fix", "."], None);
    assert!(
        stderr(&o).contains("Fixed 1 finding in 1 file (API005)"),
        "{}",
        stderr(&o)
    );
    let want = hpa_bom.replace("\"extensions/v1beta1\"", "\"apps/v1\"");
    assert_eq!(read("hpa.yaml"), want);
    assert_eq!(
        read("typo.yaml"),
        typo,
        "unsafe fixes wait for --unsafe-fixes"
    );
    assert_eq!(read("clean.yaml"), clean);
    assert_eq!(
        read("anchored.yaml"),
        anchored,
        "a document with anchors is not edited"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("hpa.yaml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // The remaining findings are reported; no temporary file is left behind.
    assert!(stdout(&o).contains("LBC001"), "{}", stdout(&o));
    let leftovers: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("ekslint-fix"))
        .collect();
    assert!(leftovers.is_empty());

    // --unsafe-fixes renames the misspelt key; a second run changes nothing.
    let o = run_in(
        &d,
        &["check", "--no-config", "--fix", "--unsafe-fixes", "."],
        None,
    );
    assert!(stderr(&o).contains("(LBC001)"), "{}", stderr(&o));
    assert_eq!(
        read("typo.yaml"),
        typo.replace("/scheem:", "/scheme:"),
        "the key is renamed, its comment kept"
    );
    let before: Vec<String> = ["hpa.yaml", "typo.yaml", "clean.yaml", "anchored.yaml"]
        .iter()
        .map(|n| read(n))
        .collect();
    let o = run_in(
        &d,
        &["check", "--no-config", "--fix", "--unsafe-fixes", "."],
        None,
    );
    assert!(stderr(&o).contains("No fixes to apply."), "{}", stderr(&o));
    let after: Vec<String> = ["hpa.yaml", "typo.yaml", "clean.yaml", "anchored.yaml"]
        .iter()
        .map(|n| read(n))
        .collect();
    assert_eq!(before, after, "a second --fix changes nothing");
    let o = run_in(&d, &["check", "--no-config", "--diff", "."], None);
    assert_eq!(code(&o), 0, "nothing left to fix: {}", stderr(&o));
}

#[test]
fn unfixable_rules_are_left_alone_and_stdin_cannot_be_fixed() {
    let d = scratch("unfixable");
    let text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n    eks.amazonaws.com/role-arn: \" arn:aws:iam::111122223333:role/app\"\n";
    std::fs::write(d.join("sa.yaml"), text).unwrap();
    std::fs::write(d.join(".ekslint.yaml"), "unfixable: [IRSA001]\n").unwrap();
    let o = run_in(&d, &["check", "--fix", "sa.yaml"], None);
    assert!(stderr(&o).contains("No fixes to apply."), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(d.join("sa.yaml")).unwrap(), text);
    let o = run_in(&d, &["check", "--no-config", "--fix", "-"], Some(text));
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("standard input cannot be fixed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn fargate_profiles_in_the_config_put_pods_on_fargate() {
    let d = scratch("fargate-profiles");
    std::fs::write(
        d.join(".ekslint.yaml"),
        "select: [FARGATE, KARP]\nfargate-profiles:\n  - name: batch\n    selectors:\n      - namespace: batch-*\n",
    )
    .unwrap();
    let pod = |ns: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: {ns}\nspec:\n  containers:\n    - name: c\n      image: busybox\n      securityContext:\n        privileged: true\n"
        )
    };
    std::fs::write(d.join("batch.yaml"), pod("batch-nightly")).unwrap();
    std::fs::write(d.join("web.yaml"), pod("web")).unwrap();
    let o = run_in(&d, &["check", "--format", "json", "."], None);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let hits: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].0, "FARGATE003");
    assert!(hits[0].1.ends_with("batch.yaml"), "{hits:?}");
    // Without the profiles, nothing says where the pods run: no finding.
    let o = run_in(
        &d,
        &["check", "--no-config", "--select", "FARGATE", "."],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // A misspelt key in a profile is a configuration error with its line.
    std::fs::write(
        d.join(".ekslint.yaml"),
        "fargate-profiles:\n  - name: batch\n    selector:\n      - namespace: batch-*\n",
    )
    .unwrap();
    let o = run_in(&d, &["check", "."], None);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("selectors"), "{}", stderr(&o));
}

#[test]
fn a_node_pool_in_a_context_file_decides_for_the_changed_file() {
    let d = scratch("karpenter-context");
    std::fs::write(
        d.join("karpenter.yaml"),
        "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata:\n  name: default\nspec:\n  role: R\n  amiSelectorTerms: [{alias: al2023@latest}]\n  subnetSelectorTerms: [{tags: {a: b}}]\n  securityGroupSelectorTerms: [{tags: {a: b}}]\n---\napiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: default\nspec:\n  template:\n    spec:\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n      requirements: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]\n",
    )
    .unwrap();
    std::fs::write(
        d.join("lbc.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: lbc\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers:\n        - name: c\n          image: public.ecr.aws/eks/aws-load-balancer-controller:v2.8.1\n",
    )
    .unwrap();
    let o = run_in(
        &d,
        &[
            "check",
            "--no-config",
            "--select",
            "KARP",
            "--context",
            ".",
            "lbc.yaml",
        ],
        None,
    );
    let out = stdout(&o);
    assert!(out.contains("KARP019"), "{out}{}", stderr(&o));
    assert!(out.contains("Checked 1 file"), "{out}");
    // The changed file alone: no NodePool, no finding.
    let o = run_in(
        &d,
        &["check", "--no-config", "--select", "KARP", "lbc.yaml"],
        None,
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn a_correct_karpenter_v1_setup_gets_no_finding() {
    let o = ekslint(&[
        "check",
        "--no-config",
        "fixtures/KARP001-karpenter-pre-v1-api/pass-v1-setup",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("No problems found"), "{}", stdout(&o));
}

#[test]
fn api_conversion_fixes_convert_in_place_keep_the_rest_and_settle() {
    let d = scratch("api-fix");
    let ingress = "# ingress of 2019\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web # keep\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        backend:\n          serviceName: web   # the web tier\n          servicePort: 80\n";
    let deploy = "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: web, image: nginx}]\n";
    let clean = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: alb\nspec:\n  controller: ingress.k8s.aws/alb\n";
    for (n, t) in [
        ("ingress.yaml", ingress),
        ("deploy.yaml", deploy),
        ("clean.yaml", clean),
    ] {
        std::fs::write(d.join(n), t).unwrap();
    }
    let read = |n: &str| std::fs::read_to_string(d.join(n)).unwrap();
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "check",
            "--no-config",
            "--select",
            "API",
            "--target-version",
            "1.33",
        ];
        a.extend_from_slice(extra);
        a.push(".");
        a
    };
    // The Ingress conversion is safe; the Deployment's waits for --unsafe-fixes (changed defaults).
    let o = run_in(&d, &args(&["--fix"]), None);
    assert!(
        stderr(&o).contains("Fixed 1 finding in 1 file (API001)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        read("ingress.yaml"),
        "# ingress of 2019\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web # keep\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: ImplementationSpecific\n        backend:\n          service:\n            name: web   # the web tier\n            port:\n              number: 80\n"
    );
    assert_eq!(read("deploy.yaml"), deploy);
    assert_eq!(
        read("clean.yaml"),
        clean,
        "a file without findings is not touched"
    );
    assert!(
        stdout(&o).contains("progressDeadlineSeconds"),
        "the help says why it is unsafe: {}",
        stdout(&o)
    );
    let o = run_in(&d, &args(&["--fix", "--unsafe-fixes"]), None);
    assert!(
        stderr(&o).contains("Fixed 1 finding in 1 file (API001)"),
        "{}",
        stderr(&o)
    );
    assert!(read("deploy.yaml").starts_with("apiVersion: apps/v1\n"));
    assert!(
        read("deploy.yaml").contains("  selector:\n    matchLabels:\n      app: web\n  template:")
    );
    // Settled: a second run changes nothing and --diff finds nothing.
    let before = [
        read("ingress.yaml"),
        read("deploy.yaml"),
        read("clean.yaml"),
    ];
    let o = run_in(&d, &args(&["--fix", "--unsafe-fixes"]), None);
    assert!(stderr(&o).contains("No fixes to apply."), "{}", stderr(&o));
    assert_eq!(
        before,
        [
            read("ingress.yaml"),
            read("deploy.yaml"),
            read("clean.yaml")
        ]
    );
    let o = run_in(&d, &args(&["--diff", "--unsafe-fixes"]), None);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn custom_resources_are_checked_against_a_crd_in_context_in_stdin_or_bundled() {
    let dir = scratch("schema-crd");
    let crd = std::fs::read_to_string(
        "fixtures/SCHEMA001-schema-unknown-field/fail-crd-elsewhere/crd.yaml",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("crds")).unwrap();
    std::fs::write(dir.join("crds/widget-crd.yaml"), &crd).unwrap();
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 3\n  colour: blue\n";
    std::fs::write(dir.join("widget.yaml"), widget).unwrap();
    // The CRD only in --context: the resource is checked, the CRD file is not reported on.
    let o = run_in(
        &dir,
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--context",
            "crds",
            "widget.yaml",
        ],
        None,
    );
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<(String, u64, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [("SCHEMA001".to_string(), 7, 3)]);
    // Without the CRD nothing is known about a Widget: no finding.
    let o = run_in(&dir, &["check", "--no-config", "widget.yaml"], None);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // CRD and resource in one stream on standard input.
    let o = run_in(
        &dir,
        &[
            "check",
            "--no-config",
            "--format",
            "concise",
            "--select",
            "SCHEMA",
            "-",
        ],
        Some(&format!("{crd}---\n{widget}")),
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("did you mean `color`"),
        "{}",
        stdout(&o)
    );
    // A VolumeSnapshot: the bundled CRD and its CEL rules.
    let o = run_in(
        &dir,
        &[
            "check",
            "--no-config",
            "--format",
            "concise",
            "--select",
            "SCHEMA008",
            "-",
        ],
        Some(
            "apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\nmetadata:\n  name: s\nspec:\n  source:\n    persistentVolumeClaimName: data\n    volumeSnapshotContentName: c\n",
        ),
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains(
            "exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set"
        ),
        "{}",
        stdout(&o)
    );
}
