//! Generated TypeScript files checked against the committed ones: a type
//! change cannot ship with stale types. Used by this crate's document types
//! and by the server's API types (feature `typescript`).

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// Generates into a scratch folder and fails, naming the files, when the
/// `committed` folder differs; with `FLOORWALK_WRITE_TS` set, (re)writes
/// `committed` instead. `shown` is how the message names that folder.
pub fn write_or_compare(
    committed: &Path,
    shown: &str,
    regenerate: &str,
    generate: impl Fn(&Path) -> Result<(), String>,
) -> Result<(), String> {
    if std::env::var_os("FLOORWALK_WRITE_TS").is_some() {
        for name in read_dir(committed)?.keys() {
            fs::remove_file(committed.join(name)).map_err(|e| e.to_string())?;
        }
        return generate(committed);
    }
    let scratch = scratch_dir();
    let _ = fs::remove_dir_all(&scratch);
    generate(&scratch)?;
    let fresh = read_dir(&scratch)?;
    let _ = fs::remove_dir_all(&scratch);
    let committed = read_dir(committed)?;
    let stale: BTreeSet<&String> = fresh
        .keys()
        .chain(committed.keys())
        .filter(|name| fresh.get(*name) != committed.get(*name))
        .collect();
    if stale.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the TypeScript types in {shown} are out of date with the Rust types ({} file(s) \
         differ: {stale:?}).\nRegenerate them with:\n    {regenerate}\nand commit the result.",
        stale.len()
    ))
}

/// File name → contents of every `.ts` file in `dir` (none if `dir` is missing).
pub fn read_dir(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let mut files = BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(files);
    };
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if let Some(name) = name.filter(|n| n.ends_with(".ts")) {
            let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            files.insert(name, text);
        }
    }
    Ok(files)
}

fn scratch_dir() -> PathBuf {
    let unique = format!(
        "floorwalk-ts-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    );
    std::env::temp_dir().join(unique.replace(['(', ')'], ""))
}
