//! Helpers for the tests of where data goes (DISK-1, IMAGE-1, SHARE-5,
//! PERM-5) and of the GEN-7 bounds: disks made from snapshots and images,
//! images, imported images, copies, resource names and policy documents.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;
use snapguard::{
    CreateDisk, CreateImage, DiskCategory, DiskSource, Encryption, ImportImage, ResetDisk,
    Statement,
};

use crate::common::{OWNER, World, root};

/// An ESSD disk of 40 GiB in `region` with `encryption`, made from
/// `source`.
pub fn disk(disk: &str, region: &str, encryption: Encryption, source: DiskSource) -> CreateDisk {
    CreateDisk::new(disk, region, DiskCategory::Essd, 40)
        .encryption(encryption)
        .source(source)
}

/// A disk made from snapshot `snapshot`.
pub fn from_snapshot(snapshot: &str) -> DiskSource {
    DiskSource::Snapshot(snapshot.into())
}

/// A disk made from image `image`.
pub fn from_image(image: &str) -> DiskSource {
    DiskSource::Image(image.into())
}

/// A custom image built from a snapshot.
pub fn image(image: &str, snapshot: &str) -> CreateImage {
    CreateImage::new(image, snapshot)
}

/// An imported custom image in `region`.
pub fn import(image: &str, region: &str) -> ImportImage {
    ImportImage::new(image, region)
}

/// Rolls a disk back to a snapshot.
pub fn reset(disk: &str, snapshot: &str) -> ResetDisk {
    ResetDisk::new(disk, snapshot)
}

impl World {
    /// The image as the state records it.
    #[track_caller]
    pub fn image_of(&self, id: &str) -> snapguard::Image {
        self.state.image(&id.into()).expect("image exists").clone()
    }

    /// The disk as the state records it.
    #[track_caller]
    pub fn disk_of(&self, id: &str) -> snapguard::Disk {
        self.state.disk(&id.into()).expect("disk exists").clone()
    }

    /// Creates a disk of [`OWNER`] as its root.
    #[track_caller]
    pub fn owner_disk(
        &mut self,
        id: &str,
        region: &str,
        encryption: Encryption,
        source: DiskSource,
    ) {
        self.ok(&root(OWNER), disk(id, region, encryption, source));
    }
}

/// The resource name of a snapshot, as statements name it.
pub fn snapshot_resource(region: &str, account: &str, snapshot: &str) -> String {
    format!("acs:ecs:{region}:{account}:snapshot/{snapshot}")
}

/// The resource name of an image.
pub fn image_resource(region: &str, account: &str, image: &str) -> String {
    format!("acs:ecs:{region}:{account}:image/{image}")
}

/// The resource name of a resource share.
pub fn share_resource(account: &str, share: &str) -> String {
    format!("acs:resourcesharing::{account}:resourceshare/{share}")
}

/// A custom policy document as RAM shows it.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "Version")]
    version: &'static str,
    #[serde(rename = "Statement")]
    statement: &'a [Statement],
}

/// The compact JSON policy document holding `statements`, serialized here
/// with serde_json, independently of how the crate counts it.
pub fn policy_document(statements: &[Statement]) -> String {
    serde_json::to_string(&Document {
        version: "1",
        statement: statements,
    })
    .expect("a document serializes")
}

/// The characters of [`policy_document`].
pub fn policy_chars(statements: &[Statement]) -> usize {
    policy_document(statements).chars().count()
}

/// One Allow statement on `ecs:*` whose single resource is padded with
/// `fill` so that the document holds exactly `chars` characters. `fill`
/// must serialize as one character per character (no escape).
#[track_caller]
pub fn policy_of(chars: usize, fill: char) -> Vec<Statement> {
    let base = policy_chars(&[Statement::allow(["ecs:*"], [""])]);
    assert!(chars >= base, "a document holds at least {base} characters");
    let resource: String = std::iter::repeat_n(fill, chars - base).collect();
    let statements = vec![Statement::allow(["ecs:*"], [resource])];
    assert_eq!(policy_chars(&statements), chars);
    statements
}

/// `2026-01-01T00:00:59` plus `millis` milliseconds, as chrono builds it:
/// 1000 to 1999 fall inside the leap second that would follow 00:00:59
/// (`00:00:60.xxx`), 0 to 999 are ordinary instants.
pub fn leap_second(millis: u32) -> DateTime<Utc> {
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date");
    let time = NaiveTime::from_hms_milli_opt(0, 0, 59, millis).expect("a leap-second time");
    day.and_time(time).and_utc()
}

/// A string of `n` copies of `c`.
pub fn repeat(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}
