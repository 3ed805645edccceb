//! snapguard as a JSON-lines oracle, for checking a service written in any
//! language against the reference semantics.
//!
//! ```text
//! cargo run --example oracle < tests/scenarios/lock_cool_off.jsonl
//! cargo run --example oracle -- --record < my-steps.jsonl > my-scenario.jsonl
//! ```
//!
//! Reads one request per line on standard input (blank lines are skipped)
//! and writes one response per line on standard output, flushed as soon
//! as the request is read, so a client can wait for each answer; the format is
//! documented in `snapguard::oracle`. The exit status is 1 when a step
//! disagreed with its `expect` or a line could not be read, so a scenario
//! file doubles as a test.
//!
//! With `--record`, it writes each request back with `expect` set to the
//! outcome snapguard gives it, instead of the responses: the way to turn a
//! list of steps into a scenario that another implementation must match.
//! Review what it recorded before trusting it: it is what snapguard does,
//! which is only the specification if snapguard is right.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use snapguard::oracle::{Oracle, Request, Response};

fn main() -> ExitCode {
    let record = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--record") => true,
        Some(other) => {
            eprintln!("unknown argument `{other}`; the only one is `--record`");
            return ExitCode::from(2);
        }
    };
    match run(record) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("oracle: {error}");
            ExitCode::from(2)
        }
    }
}

/// Answers every line of standard input, each as soon as it is read; whether
/// every step agreed with its expectation. A line that is not UTF-8 or not
/// a request gets an error response of its own, and the next line is read
/// as usual.
fn run(record: bool) -> io::Result<bool> {
    let mut oracle = Oracle::new();
    let mut input = io::stdin().lock();
    let mut out = io::stdout().lock();
    let mut all_agree = true;
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        if input.read_until(b'\n', &mut bytes)? == 0 {
            return Ok(all_agree);
        }
        let line = match std::str::from_utf8(&bytes) {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => serde_json::from_str::<Request>(line).map_err(|e| e.to_string()),
            Err(error) => Err(format!("the line is not UTF-8: {error}")),
        };
        let (request, response) = match line {
            Ok(request) => (Some(request.clone()), oracle.handle(request)),
            Err(error) => (None, oracle.unreadable(error)),
        };
        all_agree &= response.error.is_none() && response.agrees != Some(false);
        let written = match (record, request, &response.outcome) {
            (true, Some(request), Some(outcome)) => {
                serde_json::to_string(&request.expecting(outcome.clone()))
            }
            _ => response_json(response),
        };
        writeln!(out, "{}", written.map_err(io::Error::other)?)?;
        out.flush()?;
    }
}

/// A response as one JSON line: its violation, if any, carries its `rule`
/// and `retry_at` beside its own fields, so a client in any language reads
/// which rule refused and when waiting lifts it without knowing each
/// variant.
fn response_json(mut response: Response) -> serde_json::Result<String> {
    let Some(violation) = response.violation.take() else {
        return serde_json::to_string(&response);
    };
    let mut fields = serde_json::to_value(&violation)?;
    if let Some(fields) = fields.as_object_mut() {
        fields
            .entry("rule")
            .or_insert_with(|| serde_json::json!(violation.rule()));
        fields.insert(
            "retry_at".to_owned(),
            serde_json::json!(violation.retry_at()),
        );
    }
    let mut line = serde_json::to_string(&response)?;
    // The response is an object: its violation goes last.
    line.pop();
    line.push_str(",\"violation\":");
    line.push_str(&serde_json::to_string(&fields)?);
    line.push('}');
    Ok(line)
}
