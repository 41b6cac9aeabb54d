//! The server's top-level modules form layers: each imports only modules
//! below it, so any one can be read, tested and changed without the rest
//! (`../shared/ARCHITECTURE.md`, "Layout"). This test reads the sources and
//! fails on an import cycle, naming the modules and the files that close it.
//! Test code is left out: a test may reach anywhere.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// Top-level module → module it imports → files that do.
type Imports = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn top_level_modules_import_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let imports = imports(&src);
    assert!(
        imports.len() > 10,
        "found only {} modules under {}",
        imports.len(),
        src.display()
    );
    let cycles = cycles(&imports);
    assert!(
        cycles.is_empty(),
        "the top-level modules of server/src import each other in a cycle; move what both need below both:\n{}",
        cycles.join("\n")
    );
}

fn imports(src: &Path) -> Imports {
    let modules: BTreeMap<String, PathBuf> = fs::read_dir(src)
        .expect("server/src")
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            let name = path.file_name()?.to_str()?.to_string();
            let module = name.strip_suffix(".rs").unwrap_or(&name).to_string();
            (!matches!(module.as_str(), "lib" | "main" | "layering")).then_some((module, path))
        })
        .collect();
    let mut imports = Imports::new();
    for (module, path) in &modules {
        let entry = imports.entry(module.clone()).or_default();
        for file in rust_files(path) {
            let source = fs::read_to_string(&file).expect("readable source");
            let relative = file
                .strip_prefix(src)
                .unwrap_or(&file)
                .display()
                .to_string();
            for target in crate_paths(without_tests(&source)) {
                if target != *module && modules.contains_key(&target) {
                    entry.entry(target).or_default().insert(relative.clone());
                }
            }
        }
    }
    imports
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in fs::read_dir(path).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs")
            && !path.to_string_lossy().ends_with("tests.rs")
        {
            files.push(path);
        }
    }
    files
}

/// The source before its `#[cfg(test)]` module (tests sit at the end of a file).
fn without_tests(source: &str) -> &str {
    match source.find("#[cfg(test)]\nmod ") {
        Some(at) => &source[..at],
        None => source,
    }
}

/// The first segment of every `crate::` path, including each branch of a
/// grouped `use crate::{a::x, b::{y, z}}`.
fn crate_paths(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            found.extend(group_heads(group));
        } else {
            found.push(identifier(rest));
        }
    }
    found
}

/// The first segment of each top-level branch of a `{…}` group.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = vec![identifier(group.trim_start())];
    let mut depth = 0;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => heads.push(identifier(group[i + 1..].trim_start())),
            _ => {}
        }
    }
    heads
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Each strongly connected group of two or more modules, with the imports inside it.
fn cycles(imports: &Imports) -> Vec<String> {
    let reaches = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(module) = stack.pop() {
            for next in imports.get(&module).into_iter().flat_map(|m| m.keys()) {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> =
        imports.keys().map(|m| (m, reaches(m))).collect();
    let mut groups: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    for module in imports.keys() {
        let group: BTreeSet<String> = reach[module]
            .iter()
            .filter(|other| reach[*other].contains(module))
            .cloned()
            .collect();
        if group.len() > 1 {
            groups.insert(group);
        }
    }
    groups
        .into_iter()
        .map(|group| {
            let edges: Vec<String> = group
                .iter()
                .flat_map(|from| {
                    imports[from]
                        .iter()
                        .filter(|(to, _)| group.contains(*to))
                        .map(move |(to, files)| {
                            let files: Vec<&str> = files.iter().map(String::as_str).collect();
                            format!("  {from} -> {to} ({})", files.join(", "))
                        })
                })
                .collect();
            format!(
                "cycle among {}:\n{}",
                group.into_iter().collect::<Vec<_>>().join(", "),
                edges.join("\n")
            )
        })
        .collect()
}

#[test]
fn grouped_and_inline_paths_are_all_read() {
    let source = "use crate::{a::x, b::{y, z::{w}}, c};\nfn f() { crate::d::g(); }\n";
    assert_eq!(crate_paths(source), ["a", "b", "c", "d"]);
}
