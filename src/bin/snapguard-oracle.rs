//! `snapguard-oracle`: snapguard as a JSON-lines oracle, for checking a
//! service written in any language against the reference semantics.
//!
//! ```text
//! cargo install snapguard --features oracle
//! snapguard-oracle < tests/scenarios/lock_cool_off.jsonl
//! snapguard-oracle --record < my-steps.jsonl > my-scenario.jsonl
//! ```
//!
//! The protocol is documented in `snapguard::oracle`; `--help` sums it up.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use snapguard::oracle::{Oracle, Request};

const USAGE: &str = r#"snapguard-oracle: snapguard's decisions over JSON lines, to check a service
written in any language against the reference semantics.

USAGE:
    snapguard-oracle [--record] < requests.jsonl > responses.jsonl
    snapguard-oracle --schema | --help | --version

Reads one JSON request per line on standard input (blank lines are skipped)
and writes one JSON response per line on standard output, flushed as soon as
the request is read, so a driver may send a line and wait for its answer.

OPTIONS:
    --record     write each request back with `expect` set to what snapguard
                 answers, instead of the responses: turns a list of steps
                 into a scenario (review it: it is what snapguard does)
    --schema     print the JSON Schema of requests and responses (needs the
                 `schema` feature: cargo install snapguard --features oracle,schema)
    -h, --help   print this help
    -V, --version
                 print the version

OPS (the `op` of a request; every request may carry a `note`):
    reset                      limits?                 start over, empty
    load                       state                   start over from a saved state
    apply                      at, actor, command      apply a command
    advance                    at                      let time pass
    decide                     at, actor, command      dry run of apply: state unchanged
    explain                    at, actor, command      every rule that refuses it
    deletion_report            at, actor, snapshot     why a snapshot cannot be deleted, and when
    describe_locked_snapshots  at, actor, query?       the account's locks (query: state?, region?)
    lock_view                  at, actor, snapshot     one snapshot's lock, or null
    visible_snapshots          at, account             what an account sees, own and shared
    next_deadline                                      when time next causes an event, or null
    state                                              the serialized state

EXPECT (on apply, advance and decide, with `proves`: the rule ids shown):
    "accepted"                              accepted, whatever the events
    {"accepted": [events]}                  accepted with exactly these events
    {"accepted_with": ["event_type", ...]}  accepted with these event types among others
    {"refused": "RULE"}                     refused by this rule
    {"refused": ["RULE-A", "RULE-B"]}       refused by any of these rules

A response carries `step` (from 1), `outcome` ("started", {"accepted": [...]},
{"refused": "RULE"} or "answered"), for a refusal its `message` and `violation`
(with `rule` and `retry_at`), for a query its `answer` keyed by the op, `agrees`
when the request had an `expect`, and `error` (with `broken` invariants for a
refused load or reset) when the request could not be answered.

EXIT STATUS:
    0  every step agreed with its `expect`
    1  a step disagreed, a line could not be read, or a state was refused
    2  bad arguments, or standard input or output failed

Docs: https://docs.rs/snapguard (module `oracle`)"#;

fn main() -> ExitCode {
    let mut record = false;
    for argument in std::env::args().skip(1) {
        match argument.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "-V" | "--version" => {
                println!("snapguard-oracle {}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            "--schema" => return print_schema(),
            "--record" => record = true,
            other => {
                eprintln!(
                    "snapguard-oracle: unknown argument `{other}`\n\
                     usage: snapguard-oracle [--record] < requests.jsonl (see --help)"
                );
                return ExitCode::from(2);
            }
        }
    }
    match run(record) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("snapguard-oracle: {error}");
            ExitCode::from(2)
        }
    }
}

#[cfg(feature = "schema")]
fn print_schema() -> ExitCode {
    match serde_json::to_string_pretty(&snapguard::oracle::json_schema()) {
        Ok(schema) => {
            println!("{schema}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("snapguard-oracle: {error}");
            ExitCode::from(2)
        }
    }
}

#[cfg(not(feature = "schema"))]
fn print_schema() -> ExitCode {
    eprintln!(
        "snapguard-oracle: built without the `schema` feature; \
         install with `cargo install snapguard --features oracle,schema`, \
         or read schema/oracle.schema.json in the repository"
    );
    ExitCode::from(2)
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
            _ => serde_json::to_string(&response),
        };
        writeln!(out, "{}", written.map_err(io::Error::other)?)?;
        out.flush()?;
    }
}
