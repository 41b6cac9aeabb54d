//! Administration (users.role = admin): users with their role, sites and disabled
//! flag, and sites. Every change that alters what someone may do bumps the access
//! epoch (other instances notice) and re-checks this server's live sync connections at
//! once, so disabling a user or removing a membership cuts their sync immediately.

pub mod sites;
pub mod users;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(users::list_users)
        .service(users::create_user)
        .service(users::update_user)
        .service(users::revoke_sessions)
        .service(users::add_membership)
        .service(users::remove_membership)
        .service(sites::list_sites)
        .service(sites::create_site);
}
