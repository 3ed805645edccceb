//! What the platform does by itself, without a request: with
//! `--snapshot-delay-seconds`, snapshots complete after the delay, by the
//! server's timer (GEN-6: what time causes happens when its deadline
//! comes), and not before it.

use crate::common;

use std::time::{Duration, Instant};

use common::{REGION, Server, create_disk, create_snapshot};

/// The snapshot's status in the state, read without a transaction (the
/// admin API's state is not caught up by reading it).
fn status(server: &Server, snapshot: &str) -> String {
    let state = server.state();
    let snapshots = state["snapshots"]
        .as_array()
        .expect("the state lists snapshots");
    let found = snapshots
        .iter()
        .find(|s| s["id"] == snapshot)
        .unwrap_or_else(|| panic!("{snapshot} in {state}"));
    found["status"].to_string()
}

#[test]
fn snapshots_complete_by_themselves_after_the_delay() {
    let server = Server::with_flags(&["--in-memory", "--snapshot-delay-seconds", "2"]);
    let client = server.default_client();
    let snapshot = create_snapshot(&client, &create_disk(&client));
    assert!(
        status(&server, &snapshot).contains("in_progress"),
        "{}",
        status(&server, &snapshot)
    );
    // Locking needs an available snapshot: refused while in progress.
    let early = client.call(
        "LockSnapshot",
        &[
            ("RegionId", REGION),
            ("SnapshotId", &snapshot),
            ("LockMode", "compliance"),
            ("LockDuration", "1"),
            ("CoolOffPeriod", "0"),
        ],
    );
    assert_eq!(early.status, 403, "{}", early.text);
    let deadline = Instant::now() + Duration::from_secs(20);
    while status(&server, &snapshot).contains("in_progress") {
        assert!(Instant::now() < deadline, "the snapshot never completed");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        status(&server, &snapshot).contains("available"),
        "{}",
        status(&server, &snapshot)
    );
}

#[test]
fn a_restarted_server_still_completes_what_was_waiting() {
    let dir = common::TempDir::new("timer");
    let path = dir.path().to_str().expect("a UTF-8 path").to_owned();
    let server = Server::with_flags(&["--data-dir", &path, "--snapshot-delay-seconds", "3600"]);
    let client = server.default_client();
    let snapshot = create_snapshot(&client, &create_disk(&client));
    server.kill();
    let server = Server::with_flags(&["--data-dir", &path, "--snapshot-delay-seconds", "1"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while status(&server, &snapshot).contains("in_progress") {
        assert!(Instant::now() < deadline, "the snapshot never completed");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(status(&server, &snapshot).contains("available"));
}
