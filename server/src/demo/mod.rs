//! `floorwalk demo`: a demo site with a week of work and three logins, seeded
//! into an empty database as ordinary documents (the flattener picks them up
//! when the server starts, like anything else it has not flattened yet).

mod data;

use automerge::{AutoCommit, ROOT};
use serde_json::Value;

use crate::{
    auth::hash_password,
    documents::{json::put_json, site::first_commit},
    storage::{NewUser, Role, Store, now_millis},
    sync::DocumentId,
};

pub const DEMO_SITE: &str = "demo";

/// The demo logins: email, role, password. Printed for the user; never use
/// them outside a demo database.
pub const DEMO_USERS: [(&str, Role, &str); 3] = [
    ("manager@demo.floorwalk", Role::Manager, "demo-manager"),
    ("staff@demo.floorwalk", Role::Staff, "demo-staff-1"),
    ("auditor@demo.floorwalk", Role::Viewer, "demo-auditor"),
];

const SECOND_STAFF: (&str, &str) = ("maria@demo.floorwalk", "demo-staff-2");

pub async fn seed(store: &dyn Store) -> anyhow::Result<()> {
    if store.find_site(DEMO_SITE).await?.is_some() {
        print_logins("is already there");
        return Ok(());
    }
    let site = store.create_site(DEMO_SITE, "Demo warehouse").await?;
    let mut ids = Vec::new();
    let users = DEMO_USERS.iter().copied().chain(std::iter::once((
        SECOND_STAFF.0,
        Role::Staff,
        SECOND_STAFF.1,
    )));
    for (email, role, password) in users {
        let user = store
            .create_user(&NewUser {
                email: email.into(),
                display_name: email.split('@').next().unwrap_or(email).into(),
                role,
                password_hash: hash_password(password.into()).await?,
            })
            .await?;
        store.add_membership(user.id, site.id).await?;
        ids.push(user.id.to_string());
    }
    let people = data::People {
        manager: ids[0].clone(),
        staff: vec![ids[1].clone(), ids[3].clone()],
    };
    let demo = data::demo_data(DEMO_SITE, &site.name, &people, now_millis(), 2026);
    let site_doc = store_document(store, site.id, &demo.site).await?;
    store.set_site_document(site.id, site_doc.as_str()).await?;
    for work in &demo.work {
        store_document(store, site.id, work).await?;
    }
    print_logins(&format!("is ready ({} work documents)", demo.work.len()));
    Ok(())
}

/// Stores a document written on the server, with its work-list entry.
async fn store_document(
    store: &dyn Store,
    site_id: i64,
    value: &Value,
) -> anyhow::Result<DocumentId> {
    let mut doc = AutoCommit::new();
    for (key, v) in value.as_object().into_iter().flatten() {
        put_json(&mut doc, &ROOT, key, v)?;
    }
    let id = DocumentId::random();
    store
        .create_document(site_id, None, &first_commit(&id, &mut doc, site_id))
        .await?;
    Ok(id)
}

fn print_logins(state: &str) {
    println!("The demo site {state}. Log in with:");
    for (email, role, password) in DEMO_USERS {
        println!("  {:<8} {email}  password: {password}", role.as_str());
    }
}
