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
        "target-version: 1.20\nignore: [YAML]\n",
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
        "YAML rules ignored, Ingress deprecated at 1.20"
    );
}

#[test]
fn output_is_identical_for_any_thread_count() {
    for format in ["human", "json", "sarif", "github"] {
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
    for line in stdout(&o).lines() {
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
    assert!(stdout(&o).contains("API001   api-removed"));
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
    assert!(!out.contains("×"), "no diagnostics with --quiet: {out}");
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
        out.contains("b-deployment.yaml:15:27]") && out.contains("serviceAccountName: reader"),
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
