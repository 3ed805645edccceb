//! Events and commands in plain words: their `Display`.
//!
//! Each prints as one line naming the objects concerned, in the words of
//! [`Violation`](crate::Violation)'s messages: ids in backquotes, instants
//! in RFC 3339 with a `Z` suffix. An event starts with its instant
//! (``2026-01-01T00:00:00Z: snapshot `s-1` deleted on request``), or leaves
//! it out under the alternate flag (`{:#}`); a command reads as an order
//! (``lock snapshot `s-1` for 30 days with 12 hours of cooling-off``).
//!
//! The matches are exhaustive, so a new event or command does not compile
//! until it says what it is.

mod command;
mod event;
mod values;

use std::fmt;

use crate::Encryption;

/// `1 permission statement`, `2 permission statements`.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `unencrypted`, `encrypted with the service key`, ``encrypted with
/// customer key `k-1` ``.
fn encrypted(encryption: &Encryption) -> String {
    match encryption {
        Encryption::Unencrypted => "unencrypted".to_owned(),
        Encryption::ServiceKey | Encryption::CustomerKey(_) => {
            format!("encrypted with {encryption}")
        }
    }
}

/// `1 day`, `7 days`.
fn days(n: u32) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// `kept for 7 days`, or `kept permanently` for `None`.
fn kept_days(n: Option<u32>) -> String {
    n.map_or_else(
        || "kept permanently".to_owned(),
        |n| format!("kept for {}", days(n)),
    )
}

/// The items joined by `, ` and a final ` and `: `a`, `a and b`, `a, b
/// and c`; past `shown` items, the rest are counted (`a, b and 5 more`).
fn list<T: fmt::Display>(items: &[T], shown: usize) -> String {
    let words: Vec<String> = items.iter().take(shown).map(ToString::to_string).collect();
    let hidden = items.len().saturating_sub(words.len());
    match (words.split_last(), hidden) {
        (None, _) => String::new(),
        (Some((only, [])), 0) => only.clone(),
        (Some((last, rest)), 0) => format!("{} and {last}", rest.join(", ")),
        (Some(_), more) => format!("{} and {more} more", words.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_joins_with_commas_and_a_final_and() {
        assert_eq!(list::<&str>(&[], 3), "");
        assert_eq!(list(&["a"], 3), "a");
        assert_eq!(list(&["a", "b"], 3), "a and b");
        assert_eq!(list(&["a", "b", "c"], 3), "a, b and c");
        assert_eq!(list(&["a", "b", "c", "d", "e"], 2), "a, b and 3 more");
    }

    #[test]
    fn count_is_singular_for_one_only() {
        assert_eq!(count(0, "day", "days"), "0 days");
        assert_eq!(count(1, "day", "days"), "1 day");
        assert_eq!(count(2, "day", "days"), "2 days");
    }
}
