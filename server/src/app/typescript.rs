//! The PWA's types of what the dashboard's API answers (the rows of every list,
//! pages of them, KPI figures and trends), generated from the Rust types with
//! ts-rs into `pwa/src/types/generated/api/` (committed, so the PWA builds without
//! Rust). This test fails when the committed files are stale; run
//! `FLOORWALK_WRITE_TS=1 cargo test -p floorwalk api_typescript` to rewrite them.
//! The document types they name (`CountStatus`, `AttachmentRef`, …) are the
//! shared crate's, generated one folder up.

use std::{fs, path::Path};

use floorwalk_shared::typescript_files::write_or_compare;
use ts_rs::{Config, TS};

use crate::{
    reporting::{
        kpi::{Figure, FigureValue},
        routes::kpis::{KpiReport, KpiTrend, TrendFigure, TrendPoint},
    },
    storage::{Page, rows::*},
};

const REGENERATE: &str = "FLOORWALK_WRITE_TS=1 cargo test -p floorwalk api_typescript";

const HEADER: &str =
    "// Generated from the server's API types (see server/src/app/typescript.rs). Do not edit.\n";

/// One file per type, as ts-rs writes it (imports relative to `api/`), and an index.
fn generate(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let config = Config::new().with_large_int("number");
    let mut index = String::new();
    let mut write = |name: &str, text: Result<String, ts_rs::ExportError>| {
        let text = text.map_err(|e| e.to_string())?;
        fs::write(dir.join(format!("{name}.ts")), text).map_err(|e| e.to_string())?;
        index.push_str(&format!("export type {{ {name} }} from \"./{name}\";\n"));
        Ok::<(), String>(())
    };
    macro_rules! types {
        ($($name:ident $(<$arg:ty>)?),* $(,)?) => {
            $(write(stringify!($name), <$name $(<$arg>)?>::export_to_string(&config))?;)*
        };
    }
    types!(
        // `()` only fills the parameter: the file declares `Page<T>`.
        Page<()>,
        FigureValue,
        Figure,
        KpiReport,
        TrendFigure,
        TrendPoint,
        KpiTrend,
        CountSessionRow,
        CountLineRow,
        CountEntryRow,
        CountConflictRow,
        ChecklistRunRow,
        ChecklistResponseRow,
        CorrectiveActionRow,
        ShipmentRow,
        ShipmentLineRow,
        StockLevelRow,
        ReplenishmentRow,
        DocumentProblemRow,
        PolicyViolationRow,
        ItemRow,
        LocationRow,
    );
    fs::write(dir.join("index.ts"), format!("{HEADER}{index}")).map_err(|e| e.to_string())
}

#[test]
fn api_typescript_types_are_up_to_date() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../pwa/src/types/generated/api");
    // A panic, not an `Err`, so the message prints as written rather than escaped.
    if let Err(message) = write_or_compare(
        &committed,
        "pwa/src/types/generated/api/",
        REGENERATE,
        generate,
    ) {
        panic!("{message}");
    }
}
