//! Writing a planned import into the site document, inside one hub change: new
//! entries are put whole under their fresh UUID key; existing entries get only the
//! fields that differ, so a concurrent edit of another field of the same item survives.

use automerge::{AutomergeError, ObjId, ObjType, ROOT, ReadDoc, transaction::Transactable};
use serde_json::Value;

use super::import::EntryWrite;
use crate::documents::json::put_json;

/// Applies `writes` to the map `collection` at the document root (created if absent).
pub fn apply_writes<T: Transactable + ReadDoc>(
    tx: &mut T,
    collection: &str,
    writes: &[EntryWrite],
) -> Result<(), AutomergeError> {
    let map = match tx.get(ROOT, collection)? {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        _ => tx.put_object(ROOT, collection, ObjType::Map)?,
    };
    for write in writes {
        match existing_entry(tx, &map, &write.key)? {
            Some(entry) if !write.is_new => {
                for (field, value) in &write.set {
                    put_json(tx, &entry, field, value)?;
                }
                for field in &write.unset {
                    tx.delete(&entry, field.as_str())?;
                }
            }
            _ => put_json(tx, &map, &write.key, &Value::Object(write.set.clone()))?,
        }
    }
    Ok(())
}

fn existing_entry<T: ReadDoc>(
    tx: &T,
    map: &ObjId,
    key: &str,
) -> Result<Option<ObjId>, AutomergeError> {
    Ok(match tx.get(map, key)? {
        Some((automerge::Value::Object(ObjType::Map), id)) => Some(id),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use automerge::AutoCommit;
    use floorwalk_shared::examples::example_site_json;

    use super::*;
    use crate::{
        documents::read::object_to_json,
        masterdata::{
            csv_read::read_csv,
            import::{Kind, plan_import},
        },
    };

    #[test]
    fn an_import_writes_entries_the_schema_accepts() {
        let mut doc = AutoCommit::new();
        for (key, value) in example_site_json().as_object().expect("object") {
            put_json(&mut doc, &ROOT, key, value).expect("put");
        }
        let table = read_csv(
            "sku,name,unit,unit_cost_minor,barcodes,supplier\n\
             SKU-9,Pallet wrap 500 mm,each,1399,4006381333931,\n\
             NEW-1,Stretch film,roll,250,111|222,FilmCo\n",
        )
        .expect("csv");
        let site = object_to_json(&doc, &ROOT);
        let plan = plan_import(
            Kind::Items,
            &table,
            &site,
            crate::documents::stamp::new_uuid,
        )
        .expect("plan");
        assert!(plan.errors.is_empty(), "{:?}", plan.errors);
        apply_writes(&mut doc, "items", &plan.writes).expect("apply");
        let after = object_to_json(&doc, &ROOT);
        let document = floorwalk_shared::validate(&after).expect("still valid");
        let floorwalk_shared::Document::Site(site) = document else {
            panic!("a site document");
        };
        let wrap = site.item_by_sku("SKU-9").expect("SKU-9");
        assert_eq!(
            (wrap.unit_cost_minor, wrap.supplier.as_deref()),
            (1399, None)
        );
        let film = site.item_by_sku("NEW-1").expect("NEW-1");
        assert_eq!(film.barcodes, ["111", "222"]);
        assert_eq!(site.items.len(), 4, "three examples and one new item");
    }
}
