//! `ekslint rules` and `ekslint rule CODE`.

use std::process::ExitCode;

use crate::args::{RuleArgs, RulesArgs};

pub fn rules(args: RulesArgs) -> ExitCode {
    let rules: Vec<_> = ekslint_rules::RULES.iter().map(|r| r.info()).collect();
    if args.json {
        let v: Vec<_> = rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code, "name": r.name, "family": r.family.prefix(),
                    "severity": r.severity.as_str(), "fix": r.fix.as_str(), "summary": r.summary, "url": r.url(),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&v).expect("serialisable")
        );
        return ExitCode::SUCCESS;
    }
    println!(
        "{:<8} {:<22} {:<8} {:<9} SUMMARY",
        "CODE", "NAME", "SEVERITY", "FIXABLE"
    );
    for r in rules {
        println!(
            "{:<8} {:<22} {:<8} {:<9} {}",
            r.code,
            r.name,
            r.severity.as_str(),
            r.fix.as_str(),
            r.summary
        );
    }
    ExitCode::SUCCESS
}

pub fn rule(args: RuleArgs) -> ExitCode {
    match ekslint_rules::rules::find(&args.rule) {
        Some(r) => {
            print!("{}", ekslint_rules::docs::markdown(r.info()));
            ExitCode::SUCCESS
        }
        None => {
            let mut msg = format!("error: no rule `{}`", args.rule);
            if let Some(n) = ekslint_rules::selector::suggest(&args.rule) {
                msg.push_str(&format!("; did you mean `{n}`?"));
            }
            eprintln!("{msg}\n  `ekslint rules` lists every rule");
            ExitCode::from(2)
        }
    }
}
