//! The server's own ids and secrets, in the provider's style: task and
//! restore job ids (`t-`, `r-`), request ids, access keys.
//!
//! The ids of the model's objects (snapshots, disks, shares, vaults...)
//! are not made here: the model mints them (`snapguard::MINT`, read back
//! with `crate::engine::created`), deterministic and never given twice.

use rand::Rng;

/// The characters after the prefix.
pub const ID_LENGTH: usize = 20;
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A new id with this prefix (`t-`, `r-`) and 20 lowercase letters and
/// digits, as `t-bp1c0doj0taqyzzl7a3k`.
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
    fn ids_have_the_provider_shape() {
        for prefix in ["t-", "r-"] {
            let id = with_prefix(prefix);
            let tail = id.strip_prefix(prefix).unwrap();
            assert_eq!(tail.len(), ID_LENGTH);
            assert!(
                tail.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            );
        }
        assert_ne!(with_prefix("t-"), with_prefix("t-"));
    }

    #[test]
    fn request_ids_look_like_the_providers() {
        let id = request_id();
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }
}
