//! Crash test (issue 17, item 4): many clients send mutating requests, the
//! server is killed with SIGKILL at a random moment, started again on the
//! same data directory, and:
//!
//! - every acknowledged change is there: each snapshot whose creation was
//!   answered exists with the name and description it was given, each
//!   acknowledged description change holds, each acknowledged deletion
//!   holds;
//! - nothing unacknowledged appears half done: every snapshot that exists
//!   was either acknowledged or is the one request its client had in
//!   flight, and has both the name and the description its request carried
//!   (the events and the server's attributes of one request are stored
//!   together or not at all).
//!
//! Several rounds on one directory give several kill points; the seed is
//! printed, and `SNAPGUARD_CRASH_SEED` replays one.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::{Client, DEFAULT_ACCOUNT, Server, TempDir, all_snapshots, create_disk, id};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

const CLIENTS: usize = 8;
const ROUNDS: usize = 5;

/// What one client's requests did, as its answers told it.
#[derive(Debug, Default)]
struct Seen {
    /// Snapshots whose creation was answered: id → (name, description).
    created: BTreeMap<String, (String, String)>,
    /// Snapshots whose deletion was answered.
    deleted: BTreeSet<String>,
    /// The request without an answer when the server died, if any.
    in_flight: Option<InFlight>,
}

#[derive(Debug, Clone)]
enum InFlight {
    Create {
        name: String,
        description: String,
    },
    Describe {
        snapshot: String,
        description: String,
    },
    Delete {
        snapshot: String,
    },
}

/// Runs one client until the server stops answering.
fn client_run(client: &Client<'_>, disk: &str, label: &str, seed: u64) -> Seen {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut seen = Seen::default();
    let mut alive: Vec<String> = Vec::new();
    for step in 0.. {
        let choice = rng.random_range(0..10);
        let (request, params): (InFlight, Vec<(String, String)>) =
            if choice < 2 && !alive.is_empty() {
                let snapshot = alive.swap_remove(rng.random_range(0..alive.len()));
                (
                    InFlight::Delete {
                        snapshot: snapshot.clone(),
                    },
                    vec![("SnapshotId".into(), snapshot)],
                )
            } else if choice < 4 && !alive.is_empty() {
                let snapshot = alive[rng.random_range(0..alive.len())].clone();
                let description = format!("{label}-changed-{step}");
                (
                    InFlight::Describe {
                        snapshot: snapshot.clone(),
                        description: description.clone(),
                    },
                    vec![
                        ("SnapshotId".into(), snapshot),
                        ("Description".into(), description),
                    ],
                )
            } else {
                let name = format!("{label}-n{step}");
                let description = format!("{label}-made-{step}");
                (
                    InFlight::Create {
                        name: name.clone(),
                        description: description.clone(),
                    },
                    vec![
                        ("DiskId".into(), disk.to_owned()),
                        ("SnapshotName".into(), name),
                        ("Description".into(), description),
                    ],
                )
            };
        let action = match request {
            InFlight::Create { .. } => "CreateSnapshot",
            InFlight::Describe { .. } => "ModifySnapshotAttribute",
            InFlight::Delete { .. } => "DeleteSnapshot",
        };
        let borrowed: Vec<(&str, &str)> = params
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let Some(answer) = client.try_call(action, &borrowed) else {
            seen.in_flight = Some(request);
            return seen;
        };
        assert_eq!(answer.status, 200, "{action} {params:?}: {answer:?}");
        match request {
            InFlight::Create { name, description } => {
                let snapshot = id(&answer.json, "SnapshotId");
                alive.push(snapshot.clone());
                seen.created.insert(snapshot, (name, description));
            }
            InFlight::Describe {
                snapshot,
                description,
            } => {
                if let Some(entry) = seen.created.get_mut(&snapshot) {
                    entry.1 = description;
                }
            }
            InFlight::Delete { snapshot } => {
                seen.deleted.insert(snapshot);
            }
        }
    }
    seen
}

/// Every snapshot of the account: id → (name, description).
fn snapshots(client: &Client<'_>) -> BTreeMap<String, (String, String)> {
    all_snapshots(client)
        .into_iter()
        .map(|item| {
            let text = |field: &str| item[field].as_str().unwrap_or_default().to_owned();
            (
                text("SnapshotId"),
                (text("SnapshotName"), text("Description")),
            )
        })
        .collect()
}

#[test]
fn sigkill_under_concurrent_writes_loses_nothing_acknowledged_and_keeps_nothing_half_done() {
    let seed: u64 = std::env::var("SNAPGUARD_CRASH_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("SNAPGUARD_CRASH_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = TempDir::new("crash");
    let disks: Vec<String> = {
        let server = Server::on(dir.path());
        let client = server.default_client();
        (0..CLIENTS).map(|_| create_disk(&client)).collect()
    };
    // What every round acknowledged, and what may exist unacknowledged.
    let mut expected: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut gone: BTreeSet<String> = BTreeSet::new();
    for round in 0..ROUNDS {
        let server = Server::on(dir.path());
        let kill_after = Duration::from_millis(rng.random_range(50..600));
        let seeds: Vec<u64> = (0..CLIENTS).map(|_| rng.random()).collect();
        // Asked before the clock starts: the kill may come before a thread's
        // first request.
        let key = server.root_key(DEFAULT_ACCOUNT);
        let results: Vec<Seen> = std::thread::scope(|scope| {
            let workers: Vec<_> = disks
                .iter()
                .zip(&seeds)
                .enumerate()
                .map(|(n, (disk, seed))| {
                    let client = server.client(&key);
                    scope.spawn(move || client_run(&client, disk, &format!("r{round}c{n}"), *seed))
                })
                .collect();
            std::thread::sleep(kill_after);
            let killed = std::process::Command::new("kill")
                .args(["-KILL", &server.pid().to_string()])
                .status()
                .expect("run kill");
            assert!(killed.success(), "kill -KILL failed");
            workers
                .into_iter()
                .map(|worker| worker.join().expect("a client thread"))
                .collect()
        });
        server.kill();
        let server = Server::on(dir.path());
        let client = server.default_client();
        let found = snapshots(&client);
        let mut maybe_new: BTreeSet<(String, String)> = BTreeSet::new();
        let mut maybe_description: BTreeMap<String, String> = BTreeMap::new();
        let mut maybe_gone: BTreeSet<String> = BTreeSet::new();
        for seen in &results {
            expected.extend(seen.created.clone());
            for snapshot in &seen.deleted {
                expected.remove(snapshot);
                gone.insert(snapshot.clone());
            }
            match seen.in_flight.clone() {
                Some(InFlight::Create { name, description }) => {
                    maybe_new.insert((name, description));
                }
                Some(InFlight::Describe {
                    snapshot,
                    description,
                }) => {
                    maybe_description.insert(snapshot, description);
                }
                Some(InFlight::Delete { snapshot }) => {
                    maybe_gone.insert(snapshot);
                }
                None => {}
            }
        }
        let acknowledged: usize = results.iter().map(|seen| seen.created.len()).sum();
        eprintln!(
            "round {round}: killed after {kill_after:?}, {acknowledged} creations acknowledged, {} snapshots",
            found.len()
        );
        for (snapshot, (name, description)) in &expected {
            match found.get(snapshot) {
                None => assert!(
                    maybe_gone.contains(snapshot),
                    "round {round}: acknowledged snapshot {snapshot} ({name}) is lost (seed {seed})"
                ),
                Some((found_name, found_description)) => {
                    assert_eq!(found_name, name, "round {round}: {snapshot}'s name");
                    let in_flight = maybe_description.get(snapshot);
                    assert!(
                        found_description == description || in_flight == Some(found_description),
                        "round {round}: {snapshot} has description {found_description:?}, acknowledged {description:?} (seed {seed})"
                    );
                }
            }
        }
        for snapshot in &gone {
            assert!(
                !found.contains_key(snapshot),
                "round {round}: acknowledged deletion of {snapshot} undone (seed {seed})"
            );
        }
        for (snapshot, (name, description)) in &found {
            if expected.contains_key(snapshot) {
                continue;
            }
            // Not acknowledged: only a client's request in flight, whole.
            assert!(
                maybe_new.remove(&(name.clone(), description.clone())),
                "round {round}: {snapshot} ({name:?}, {description:?}) was never acknowledged nor in flight whole (seed {seed})"
            );
            expected.insert(snapshot.clone(), (name.clone(), description.clone()));
        }
        // What exists now is the truth the next round starts from.
        for snapshot in maybe_gone {
            if !found.contains_key(&snapshot) {
                expected.remove(&snapshot);
                gone.insert(snapshot);
            }
        }
        for (snapshot, description) in maybe_description {
            if let (Some(entry), Some((_, now))) =
                (expected.get_mut(&snapshot), found.get(&snapshot))
            {
                if *now == description {
                    entry.1 = description;
                }
            }
        }
        let state: Value = server.state();
        assert!(state.is_object(), "the state reads back");
    }
}
