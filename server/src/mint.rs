//! Ids in the provider's style: a kind prefix (`s-`, `d-`, `m-`, `key-`,
//! `rs-`, `rd-`, `fd-`), then 20 lowercase letters and digits, as
//! `s-bp1c0doj0taqyzzl7a3k`.
//!
//! Ids come from the operating system's random source. The library never
//! accepts an id twice, not even after its object is deleted (GEN-4), so a
//! collision (one chance in 36^20 per pair) is refused rather than reused;
//! [`crate::engine`] then mints again.

use rand::Rng;

/// The characters after the prefix.
pub const ID_LENGTH: usize = 20;
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// What an id is for, and so its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// A snapshot, `s-`.
    Snapshot,
    /// A disk, `d-`.
    Disk,
    /// A custom image, `m-`.
    Image,
    /// A KMS key, `key-`.
    Key,
    /// A resource share, `rs-`.
    ResourceShare,
    /// A resource directory, `rd-`.
    Directory,
    /// A folder of a resource directory, `fd-`.
    Folder,
}

impl IdKind {
    /// The prefix the provider uses for this kind.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Snapshot => "s-",
            Self::Disk => "d-",
            Self::Image => "m-",
            Self::Key => "key-",
            Self::ResourceShare => "rs-",
            Self::Directory => "rd-",
            Self::Folder => "fd-",
        }
    }
}

/// A new id of this kind.
pub fn mint(kind: IdKind) -> String {
    with_prefix(kind.prefix())
}

/// A new id with this prefix (`v-`, `po-`): for products whose kinds of
/// ids [`IdKind`] does not list.
pub fn with_prefix(prefix: &str) -> String {
    let mut rng = rand::rng();
    let mut id = String::with_capacity(prefix.len() + ID_LENGTH);
    id.push_str(prefix);
    for _ in 0..ID_LENGTH {
        let index = rng.random_range(0..ALPHABET.len());
        id.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'0')));
    }
    id
}

/// A request id in the provider's style: 8-4-4-4-12 uppercase hex digits.
pub fn request_id() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    let hex = hex::encode_upper(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A secret for a new access key: 30 letters and digits, as the provider's.
pub fn secret() -> String {
    const SECRET_ALPHABET: &[u8] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..30)
        .map(|_| {
            let index = rng.random_range(0..SECRET_ALPHABET.len());
            char::from(SECRET_ALPHABET.get(index).copied().unwrap_or(b'0'))
        })
        .collect()
}

/// A new AccessKeyId: `LTAI` and 20 letters and digits.
pub fn access_key_id() -> String {
    let tail = secret();
    format!("LTAI{}", tail.get(..20).unwrap_or(&tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_provider_shape_and_are_well_formed_for_snapguard() {
        for kind in [
            IdKind::Snapshot,
            IdKind::Disk,
            IdKind::Image,
            IdKind::Key,
            IdKind::ResourceShare,
            IdKind::Directory,
            IdKind::Folder,
        ] {
            let id = mint(kind);
            let tail = id.strip_prefix(kind.prefix()).unwrap();
            assert_eq!(tail.len(), ID_LENGTH);
            assert!(
                tail.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            );
            assert!(snapguard::is_well_formed(&id), "{id}");
        }
        assert_ne!(mint(IdKind::Snapshot), mint(IdKind::Snapshot));
    }

    #[test]
    fn request_ids_look_like_the_providers() {
        let id = request_id();
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }
}
