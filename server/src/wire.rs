//! The model's minted ids on the wire, in the provider's shape.
//!
//! The server asks the model to mint every new object's id
//! ([`snapguard::MINT`]): inside, a snapshot is `s-~0000000000000000017`,
//! the kind's prefix, `~` and 19 digits, so that the model never gives an
//! id twice and remembers nothing of deleted objects. The provider's ids
//! are the prefix and 20 lowercase letters and digits, and SDK users (and
//! their automation) expect that shape: on the wire the same snapshot is
//! `s-00000000000000000017`, the `~` written as `0`.
//!
//! The two forms map one to one: every answer is written with [`outward`]
//! (each minted id in it, in values, keys and messages alike), and every
//! request parameter, admin path and admin body is read with [`inward`].
//! Only the prefixes the model mints with are read, each as a whole word
//! (not inside a longer run of letters and digits), so a request id, a
//! task id or a name that only looks alike is left as it is; an id of the
//! wire form that the model never minted reads as a minted id the state
//! does not hold, and is not found, as any unknown id.

use std::borrow::Cow;

/// The prefixes the model mints with (`snapguard::ObjectKind::minted_id`),
/// without their dash.
const PREFIXES: [&str; 12] = [
    "acct", "user", "region", "d", "s", "m", "rs", "rd", "fd", "key", "v", "po",
];

/// The digits of a minted id's number.
const DIGITS: usize = 19;

/// `text` with every minted id in the wire's form.
pub fn outward(text: &str) -> Cow<'_, str> {
    swap(text, b'~', b'0')
}

/// `text` with every minted id of the wire's form in the model's.
pub fn inward(text: &str) -> Cow<'_, str> {
    swap(text, b'0', b'~')
}

/// Replaces `from` by `to` wherever it stands between a minted prefix and
/// its dash, and 19 digits ending a word.
fn swap(text: &str, from: u8, to: u8) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let marks: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|&(at, &byte)| byte == from && minted_at(bytes, at))
        .map(|(at, _)| at)
        .collect();
    if marks.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut swapped = bytes.to_vec();
    for at in marks {
        if let Some(byte) = swapped.get_mut(at) {
            *byte = to;
        }
    }
    // Only one ASCII byte was replaced by another: still UTF-8.
    String::from_utf8(swapped).map_or(Cow::Borrowed(text), Cow::Owned)
}

/// Whether the byte at `at` is the mark of a minted id: after a minted
/// prefix and its dash, before 19 digits, the whole a word of its own.
fn minted_at(bytes: &[u8], at: usize) -> bool {
    let Some(before) = at.checked_sub(1).and_then(|dash| bytes.get(..dash)) else {
        return false;
    };
    if bytes.get(at.wrapping_sub(1)) != Some(&b'-') {
        return false;
    }
    let letters = before
        .iter()
        .rev()
        .take_while(|byte| byte.is_ascii_lowercase())
        .count();
    let start = before.len() - letters;
    let prefix = before.get(start..).unwrap_or_default();
    let word_starts = start
        .checked_sub(1)
        .and_then(|previous| before.get(previous))
        .is_none_or(|byte| !byte.is_ascii_alphanumeric());
    let digits = bytes.get(at + 1..at + 1 + DIGITS);
    let word_ends = bytes
        .get(at + 1 + DIGITS)
        .is_none_or(|byte| !byte.is_ascii_alphanumeric());
    word_starts
        && word_ends
        && PREFIXES.iter().any(|known| known.as_bytes() == prefix)
        && digits.is_some_and(|digits| digits.iter().all(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use snapguard::ObjectKind;

    const KINDS: [ObjectKind; 13] = [
        ObjectKind::Account,
        ObjectKind::User,
        ObjectKind::Region,
        ObjectKind::Disk,
        ObjectKind::Snapshot,
        ObjectKind::Image,
        ObjectKind::ResourceShare,
        ObjectKind::Directory,
        ObjectKind::Folder,
        ObjectKind::Key,
        ObjectKind::Vault,
        ObjectKind::BackupPolicy,
        ObjectKind::BackupPoint,
    ];

    #[test]
    fn every_minted_id_goes_out_in_the_providers_shape_and_comes_back() {
        for kind in KINDS {
            for number in [0, 17, 10_u64.pow(19) - 1] {
                let minted = kind.minted_id(number).unwrap();
                let wire = outward(&minted).into_owned();
                assert_ne!(wire, minted);
                let (prefix, tail) = wire.split_once('-').unwrap();
                assert!(PREFIXES.contains(&prefix), "{minted}");
                assert_eq!(tail.len(), DIGITS + 1, "{wire}");
                assert!(tail.bytes().all(|b| b.is_ascii_digit()), "{wire}");
                assert_eq!(inward(&wire), minted);
            }
        }
    }

    #[test]
    fn ids_inside_messages_lists_and_resource_names_are_read_too() {
        let minted = ObjectKind::Snapshot.minted_id(5).unwrap();
        let disk = ObjectKind::Disk.minted_id(4).unwrap();
        let message = format!("LOCK-10: snapshot `{minted}` of {disk} is locked");
        let wire = outward(&message);
        assert_eq!(
            wire,
            "LOCK-10: snapshot `s-00000000000000000005` of d-00000000000000000004 is locked"
        );
        assert_eq!(inward(&wire), message);
        let list =
            r#"["s-00000000000000000005","acs:ecs:cn-hangzhou:1:snapshot/s-00000000000000000006"]"#;
        assert_eq!(
            inward(list),
            r#"["s-~0000000000000000005","acs:ecs:cn-hangzhou:1:snapshot/s-~0000000000000000006"]"#
        );
    }

    #[test]
    fn what_only_looks_alike_is_left_as_it_is() {
        for text in [
            "s-bp1c0doj0taqyzzl7a3k",
            "t-00000000000000000005",
            "r-00000000000000000005",
            "xs-00000000000000000005",
            "9s-00000000000000000005",
            "s-000000000000000000005",
            "s-0000000000000000005",
            "s-00000000000000000005a",
            "S-00000000000000000005",
            "s-10000000000000000005",
            "",
            "-0",
            "s-",
        ] {
            assert_eq!(inward(text), text, "{text}");
            assert!(matches!(inward(text), Cow::Borrowed(_)), "{text}");
        }
        assert_eq!(outward("s-~5"), "s-~5");
        assert_eq!(outward("s-~000000000000000000x"), "s-~000000000000000000x");
    }

    #[test]
    fn the_prefixes_are_the_models() {
        let models: Vec<String> = KINDS
            .iter()
            .map(|kind| {
                let id = kind.minted_id(0).unwrap();
                id.split_once("-~").unwrap().0.to_owned()
            })
            .collect();
        for prefix in &models {
            assert!(PREFIXES.contains(&prefix.as_str()), "{prefix}");
        }
        for prefix in PREFIXES {
            assert!(models.iter().any(|model| model == prefix), "{prefix}");
        }
    }
}
