//! The module graph of `src/` has no cycle: a module that needs another's items never also
//! provides items to it, directly or through others (issue 11). Reads the source, so native only.
//!
//! An edge is a path (`use` or inline) from one module to another, `crate::…`, `super::…` or
//! `self::…`, resolved to the longest module path that is a file. An `impl Type` block for a
//! type another module defines is an edge back from that module too: whoever uses the type
//! calls the methods added here. References between a module and its own ancestors are not
//! edges: a parent declares and re-exports its children.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Every `.rs` file under `dir`, as (module path, source).
fn modules(dir: &Path, prefix: &[String], out: &mut Vec<(Vec<String>, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("src/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 file name")
            .to_string();
        if path.is_dir() {
            let mut child = prefix.to_vec();
            child.push(name);
            modules(&path, &child, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut module = prefix.to_vec();
            if name != "mod" && name != "lib" {
                module.push(name);
            }
            out.push((module, fs::read_to_string(&path).expect("a readable file")));
        }
    }
}

/// The source without comments (doc links name modules too) and without its inline tests
/// (whose `super` is the file's own module).
fn code_of(source: &str) -> String {
    let before_tests = source
        .find("#[cfg(test)]\nmod tests")
        .map_or(source, |i| &source[..i]);
    before_tests
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paths written in `code`, with `use` groups (`a::{b, c::{d}}`) expanded.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_');
        if starts_word && bytes[i].is_alphabetic() {
            let (path, end) = read_path(&bytes, i, Vec::new(), &mut found);
            if path.len() > 1 {
                found.push(path);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    found
        .into_iter()
        .filter(|p| matches!(p[0].as_str(), "crate" | "super" | "self"))
        .collect()
}

/// Reads `a::b::{c, d::e}` from `start`; returns the plain path and pushes grouped ones.
fn read_path(
    chars: &[char],
    start: usize,
    prefix: Vec<String>,
    found: &mut Vec<Vec<String>>,
) -> (Vec<String>, usize) {
    let mut path = prefix;
    let mut i = start;
    loop {
        let begin = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        if begin == i {
            break;
        }
        path.push(chars[begin..i].iter().collect());
        if chars[i..].starts_with(&[':', ':']) {
            i += 2;
            if chars.get(i) == Some(&'{') {
                i += 1;
                loop {
                    while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                        i += 1;
                    }
                    if i >= chars.len() || chars[i] == '}' {
                        return (Vec::new(), i + 1);
                    }
                    let (inner, end) = read_path(chars, i, path.clone(), found);
                    if inner.len() > path.len() {
                        found.push(inner);
                    }
                    i = end.max(i + 1);
                    // Skip an `as name` or anything else up to the next item.
                    while i < chars.len() && chars[i] != ',' && chars[i] != '}' {
                        i += 1;
                    }
                }
            }
        } else {
            break;
        }
    }
    (path, i)
}

/// The module a path in `from` names: `crate`/`super`/`self` resolved, then the longest prefix
/// that is a module.
fn resolve(from: &[String], path: &[String], known: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let mut base: Vec<String> = match path[0].as_str() {
        "crate" => Vec::new(),
        "self" => from.to_vec(),
        _ => from[..from.len().checked_sub(1)?].to_vec(),
    };
    let mut rest = &path[1..];
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    let mut best = None;
    for segment in rest {
        base.push(segment.clone());
        if known.contains(&base) {
            best = Some(base.clone());
        }
    }
    best
}

fn find_cycle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle: Vec<String> = stack[at..].iter().map(|m| m.join("::")).collect();
            cycle.push(node.join("::"));
            return Some(cycle);
        }
        if !done.insert(node.clone()) {
            return None;
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

fn graph_of(files: &[(Vec<String>, String)]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let known: BTreeSet<Vec<String>> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, source) in files {
        let code = code_of(source);
        let found = paths(&code);
        let edges: BTreeSet<Vec<String>> = found
            .iter()
            .filter_map(|p| resolve(module, p, &known))
            .filter(|to| !to.starts_with(module) && !module.starts_with(to))
            .collect();
        graph.entry(module.clone()).or_default().extend(edges);
        // `impl State {` where `State` came in by a path: its module reaches in here.
        for line in code.lines().map(str::trim) {
            // Inherent impls only: a trait impl here is for a type this module owns or for
            // a trait this module depends on anyway.
            let Some(ty) = line
                .strip_prefix("impl ")
                .filter(|rest| !rest.contains(" for "))
                .and_then(|rest| rest.split([' ', '<', '{']).next())
            else {
                continue;
            };
            let owner = found
                .iter()
                .filter(|p| p.last().is_some_and(|last| last == ty))
                .find_map(|p| {
                    resolve(module, &p[..p.len() - 1], &known)
                        .or_else(|| resolve(module, p, &known))
                });
            if let Some(owner) = owner.filter(|o| o != module && !module.starts_with(o)) {
                graph.entry(owner).or_default().insert(module.clone());
            }
        }
    }
    graph
}

#[test]
fn the_module_graph_of_src_has_no_cycle() {
    let mut files = Vec::new();
    modules(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &[],
        &mut files,
    );
    let graph = graph_of(&files);
    assert!(
        graph.len() > 20 && graph.values().any(|e| !e.is_empty()),
        "the check sees the modules and their edges"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the modules of src/ import each other in a circle: {}",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn the_check_finds_a_cycle_through_grouped_and_inline_paths() {
    let files = vec![
        (vec!["web".to_string()], "mod a; mod b;".to_string()),
        (
            vec!["web".to_string(), "a".to_string()],
            "use super::{dom, b::{Thing}};".to_string(),
        ),
        (
            vec!["web".to_string(), "b".to_string()],
            "fn f() { crate::web::a::go(); }".to_string(),
        ),
        (vec!["web".to_string(), "dom".to_string()], String::new()),
    ];
    assert_eq!(
        find_cycle(&graph_of(&files)).map(|c| c.join(" -> ")),
        Some("web::a -> web::b -> web::a".to_string())
    );
}

#[test]
fn the_check_sees_methods_added_to_another_modules_type() {
    let files = vec![
        (
            vec!["web".to_string()],
            "mod state; mod tickets;".to_string(),
        ),
        (
            vec!["web".to_string(), "state".to_string()],
            "pub struct State;".to_string(),
        ),
        (
            vec!["web".to_string(), "tickets".to_string()],
            "use super::state::State;\nimpl State {\n    fn send(&self) {}\n}".to_string(),
        ),
    ];
    assert_eq!(
        find_cycle(&graph_of(&files)).map(|c| c.join(" -> ")),
        Some("web::state -> web::tickets -> web::state".to_string())
    );
}
