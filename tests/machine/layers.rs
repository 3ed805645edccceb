//! The modules of `src/` are layered: no two import each other, directly
//! or through others (ARCHITECTURE.md). This test builds the module graph
//! from the source text and fails on any cycle, naming its modules and the
//! names that tie them.
//!
//! A module is a file (`src/share/reach.rs` is `share::reach`, a `mod.rs`
//! is its folder). Module `a` depends on `b` when `a` names a path into
//! `b`: `crate::b::...`, `super::...` resolved from `a`, or a name the
//! crate root re-exports from `b` (`use crate::{Snapshot}` depends on
//! `snapshot`). Paths are resolved to the longest module prefix. A module
//! and its own ancestors or descendants are one family (a `mod.rs` and the
//! files it declares) and are not edges. A module imported by name
//! (`use crate::rules;`) counts through the paths written under it
//! (`rules::share::f`). Comments are ignored; the binary (`src/bin/`) sits
//! on top and is not part of the graph.
//!
//! What the source text alone cannot show is not seen: a method called on
//! a value whose type another module defines or extends (`ctx.catch_up()`
//! where `machine.rs` adds `catch_up`). Such a method belongs to the layer
//! of the module that defines it, and ARCHITECTURE.md says where each
//! layer's `impl` blocks live.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A file's text without its comments (string literals are kept: a path
/// written in a string is counted, which can only add edges).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['/', '"', '\'']) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        if let Some(quote) = ["'\"'", "'\\\"'"].iter().find(|q| from.starts_with(**q)) {
            // A quote as a character, `'"'` or `'\"'`, opens no string.
            out.push_str(quote);
            rest = &from[quote.len()..];
        } else if let Some(after) = from.strip_prefix('\'') {
            out.push('\'');
            rest = after;
        } else if from.starts_with("//") {
            rest = from.find('\n').map_or("", |end| &from[end..]);
        } else if from.starts_with("/*") {
            rest = from.find("*/").map_or("", |end| &from[end + 2..]);
        } else if let Some(body) = from.strip_prefix('"') {
            // Copy the literal whole, so that `//` inside it is not a comment.
            let mut end = None;
            let mut escaped = false;
            for (i, c) in body.char_indices() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = Some(i);
                        break;
                    }
                    _ => escaped = false,
                }
            }
            let len = end.map_or(from.len(), |i| i + 2);
            out.push_str(&from[..len]);
            rest = &from[len..];
        } else {
            out.push('/');
            rest = &from[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Every module of `src/` (but `bin/`) with its text: `""` is the root.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut folders = vec![src.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(src).unwrap();
            if path.is_dir() {
                if relative != Path::new("bin") {
                    folders.push(path);
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let mut parts: Vec<String> = relative
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            found.insert(parts.join("::"), without_comments(&text));
        }
    }
    found
}

/// The paths of a `use` tree: `a::{b, c::{d, e as f}}` reads as `a::b`,
/// `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree);
        return vec![path.split_whitespace().collect()];
    };
    let prefix: String = tree[..open].split_whitespace().collect();
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0_u32, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|item| !item.trim().is_empty())
        .flat_map(expand)
        .map(|path| {
            if path == "self" {
                prefix.trim_end_matches(':').to_owned()
            } else {
                format!("{prefix}{path}")
            }
        })
        .collect()
}

/// The paths a module's text names from `crate::` or `super::`, in `use`
/// trees or in code, absolute from the crate root.
fn paths_named(module: &str, text: &str) -> Vec<String> {
    let is_path = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    let mut paths = Vec::new();
    for marker in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = text[from..].find(marker).map(|at| at + from) {
            let before = text[..at].chars().next_back();
            let end = text[at..]
                .find(|c| !is_path(c))
                .map_or(text.len(), |e| at + e);
            from = end;
            if before.is_some_and(is_path) {
                continue;
            }
            let path = &text[at..end];
            if text[end..].starts_with('{') {
                // A group: take it to its closing brace.
                let mut depth = 0_u32;
                let close = text[end..].char_indices().find_map(|(i, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(end + i + 1);
                            }
                        }
                        _ => {}
                    }
                    None
                });
                let close = close.unwrap_or(text.len());
                paths.extend(expand(&text[at..close]));
                from = close;
            } else if path.len() > marker.len() {
                paths.push(path.trim_end_matches(':').to_owned());
            }
        }
    }
    // `super::` leads from a module to its parent, whether the module is a
    // file or a folder's `mod.rs`.
    let here: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
    paths
        .into_iter()
        .filter_map(|path| {
            if let Some(rest) = path.strip_prefix("crate::") {
                return Some(rest.to_owned());
            }
            let mut base = here.clone();
            let mut rest = path.as_str();
            while let Some(after) = rest.strip_prefix("super::") {
                base.pop()?;
                rest = after;
            }
            base.push(rest);
            Some(base.join("::"))
        })
        .collect()
}

/// The paths written after `prefix` (`share::` in `share::reach::f`),
/// where `prefix` starts a path rather than continuing one.
fn paths_after(text: &str, prefix: &str) -> Vec<String> {
    let is_path = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(prefix).map(|at| at + from) {
        let start = at + prefix.len();
        let end = text[start..]
            .find(|c| !is_path(c))
            .map_or(text.len(), |e| start + e);
        from = end.max(start);
        if text[..at].chars().next_back().is_some_and(is_path) {
            continue;
        }
        let rest = text[start..end].trim_end_matches(':');
        if !rest.is_empty() {
            found.push(rest.to_owned());
        }
    }
    found
}

/// The module a path leads into: its longest prefix that is a module, or
/// for a name the root re-exports, the module it comes from.
fn target(
    path: &str,
    modules: &BTreeMap<String, String>,
    reexports: &BTreeMap<String, String>,
) -> Option<String> {
    let segments: Vec<&str> = path.split("::").collect();
    (1..=segments.len())
        .rev()
        .map(|n| segments[..n].join("::"))
        .find(|candidate| modules.contains_key(candidate))
        .or_else(|| reexports.get(segments[0]).cloned())
}

fn related(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
}

/// Each module's dependencies, with the paths that make each edge.
fn graph(src: &Path) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let modules = modules(src);
    // Names the root re-exports: `pub use snapshot::{Retention, Snapshot}`.
    let mut reexports = BTreeMap::new();
    for path in paths_named("", &modules[""].replace("pub use ", "pub use crate::")) {
        if let Some(module) = target(&path, &modules, &BTreeMap::new()) {
            if let Some(name) = path.rsplit("::").next() {
                if !module.is_empty() && !modules.contains_key(name) {
                    reexports.insert(name.to_owned(), module);
                }
            }
        }
    }
    let mut edges: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (module, text) in &modules {
        let deps = edges.entry(module.clone()).or_default();
        let named = paths_named(module, text);
        // A module imported by name (`use crate::rules;`) and then used
        // through it (`rules::share::f()`): the paths under the name count.
        let mut through = Vec::new();
        for imported in named.iter().filter(|path| modules.contains_key(*path)) {
            if let Some(name) = imported.rsplit("::").next() {
                through.extend(
                    paths_after(text, &format!("{name}::"))
                        .into_iter()
                        .map(|rest| format!("{imported}::{rest}")),
                );
            }
        }
        for path in named.into_iter().chain(through) {
            if let Some(to) = target(&path, &modules, &reexports) {
                if !to.is_empty() && !module.is_empty() && !related(module, &to) {
                    deps.entry(to).or_default().insert(path);
                }
            }
        }
    }
    edges
}

/// A cycle through `start`, if the graph has one: the modules in order.
fn cycle_from(
    start: &str,
    edges: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
) -> Option<Vec<String>> {
    // Depth-first search keeping the path, iteratively.
    let mut path = vec![start.to_owned()];
    let mut next: Vec<Vec<String>> = vec![edges[start].keys().cloned().collect()];
    let mut seen = BTreeSet::new();
    while let Some(candidates) = next.last_mut() {
        let Some(module) = candidates.pop() else {
            next.pop();
            path.pop();
            continue;
        };
        if module == start {
            return Some(path);
        }
        if seen.insert(module.clone()) {
            next.push(
                edges
                    .get(&module)
                    .map(|d| d.keys().cloned().collect())
                    .unwrap_or_default(),
            );
            path.push(module);
        }
    }
    None
}

#[test]
fn no_two_modules_of_src_import_each_other_through_any_path() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // A glob import from the crate would hide what it brings in.
    for (module, text) in modules(&src) {
        assert!(!text.contains("crate::*"), "{module} imports crate::*");
    }
    let edges = graph(&src);
    let mut report = String::new();
    let mut reported = BTreeSet::new();
    for module in edges.keys() {
        if let Some(cycle) = cycle_from(module, &edges) {
            let key: BTreeSet<String> = cycle.iter().cloned().collect();
            if reported.insert(key) {
                report.push_str(&format!("cycle: {} -> {}\n", cycle.join(" -> "), cycle[0]));
                for (from, to) in cycle.iter().zip(cycle.iter().cycle().skip(1)) {
                    let why: Vec<&String> = edges[from][to].iter().take(4).collect();
                    report.push_str(&format!("  {from} -> {to}: {why:?}\n"));
                }
            }
        }
    }
    assert!(
        report.is_empty(),
        "modules of src/ import each other:\n{report}"
    );
}

/// The checker sees the kinds of reference it claims to: `crate::` paths in
/// `use` trees and in code, `super::`, and names re-exported at the root.
#[test]
fn the_module_graph_sees_each_kind_of_reference() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = graph(&src);
    let depends = |from: &str, to: &str| edges.get(from).is_some_and(|d| d.contains_key(to));
    // `use crate::ctx::{Ctx, Step, Verdict}`.
    assert!(depends("dispatch", "ctx"));
    // A name re-exported at the root: `use crate::{..., Violation, ...}`.
    assert!(depends("ctx", "violation"));
    // `crate::rules::share::own_share(...)` written in code.
    assert!(depends("query", "rules::share"));
    // Each rule family reads the context.
    for family in ["account", "copy", "lock", "share", "snapshot", "vault"] {
        assert!(
            depends(&format!("rules::{family}"), "ctx"),
            "rules::{family}"
        );
    }
    // And nothing below the rule families names them.
    for low in [
        "snapshot",
        "lock",
        "state",
        "violation",
        "event",
        "command",
        "ctx",
    ] {
        let up: Vec<&String> = edges[low]
            .keys()
            .filter(|to| to.starts_with("rules"))
            .collect();
        assert!(up.is_empty(), "{low} names {up:?}");
    }
}

/// A cycle planted in a copy of the graph is found and named.
#[test]
fn a_cycle_is_found_and_named() {
    let mut edges: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")] {
        edges
            .entry(from.into())
            .or_default()
            .entry(to.into())
            .or_default();
        edges.entry(to.into()).or_default();
    }
    assert_eq!(
        cycle_from("a", &edges),
        Some(vec!["a".into(), "b".into(), "c".into()])
    );
    assert_eq!(cycle_from("d", &edges), None);
    assert_eq!(
        expand("crate::{a, b::{c, d as e}, f::{self}, Release}"),
        [
            "crate::a",
            "crate::b::c",
            "crate::b::d",
            "crate::f",
            "crate::Release"
        ]
    );
    assert_eq!(
        paths_named(
            "x::y",
            "use crate::{a::B, c};\nfn f() { super::z::g(); crate::h::I }"
        ),
        ["a::B", "c", "h::I", "x::z::g"]
    );
    assert_eq!(
        without_comments("a // b\nc /* d */ \"e // f\""),
        "a \nc  \"e // f\""
    ); // A quote as a character does not open a string.
    assert_eq!(without_comments("'\"' // x\n'a'"), "'\"' \n'a'");
    assert_eq!(
        paths_after("fn f() { rules::share::g(); a::rules::h() }", "rules::"),
        ["share::g"]
    );
}
