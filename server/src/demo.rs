//! `floorwalk demo`: a site and logins to try Floorwalk with, seeded into an
//! empty database through the same paths as real data.

use crate::{
    auth::hash_password,
    documents::site::ensure_site_document,
    storage::{NewUser, Role, Store},
};

pub const DEMO_SITE: &str = "demo";

/// The demo logins: email, role, password. Printed for the user; never use
/// them outside a demo database.
pub const DEMO_USERS: [(&str, Role, &str); 3] = [
    ("manager@demo.floorwalk", Role::Manager, "demo-manager"),
    ("staff@demo.floorwalk", Role::Staff, "demo-staff-1"),
    ("auditor@demo.floorwalk", Role::Viewer, "demo-auditor"),
];

pub async fn seed(store: &dyn Store) -> anyhow::Result<()> {
    let site = match store.find_site(DEMO_SITE).await? {
        Some(site) => site,
        None => store.create_site(DEMO_SITE, "Demo warehouse").await?,
    };
    ensure_site_document(store, &site).await?;
    for (email, role, password) in DEMO_USERS {
        if store.find_user_by_email(email).await?.is_some() {
            continue;
        }
        let user = store
            .create_user(&NewUser {
                email: email.into(),
                display_name: email.split('@').next().unwrap_or(email).into(),
                role,
                password_hash: hash_password(password.into()).await?,
            })
            .await?;
        store.add_membership(user.id, site.id).await?;
    }
    println!("Demo site {:?} is ready. Log in with:", site.name);
    for (email, role, password) in DEMO_USERS {
        println!("  {role:<8} {email}  password: {password}");
    }
    Ok(())
}
