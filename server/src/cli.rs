//! The command line: `serve`, and non-interactive provisioning that scripts
//! and tests can drive (passwords come from standard input, never arguments).

use std::{io::BufRead, path::PathBuf};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use floorwalk_shared::check_site_slug;

use crate::{
    app::Application,
    auth::{hash_password, service::normalize_email},
    config::Config,
    documents::site::ensure_site_document,
    storage::{self, NewUser, Role, Store},
};

#[derive(Parser, Debug)]
#[command(
    name = "floorwalk",
    version,
    about = "Floorwalk: offline-first operations, synced"
)]
pub struct Cli {
    /// TOML config file; FLOORWALK_* environment variables override it.
    #[arg(long, global = true, env = "FLOORWALK_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080; port 0 picks a free port).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Seed a demo site and logins into an empty database (does nothing if they exist).
    Demo,
    /// Manage sites.
    #[command(subcommand)]
    Site(SiteCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage which sites a user belongs to.
    #[command(subcommand)]
    Member(MemberCommand),
}

#[derive(Subcommand, Debug)]
pub enum SiteCommand {
    /// Create a site.
    Add {
        slug: String,
        #[arg(long)]
        name: Option<String>,
    },
    List,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; the password is the first line of standard input.
    Add {
        email: String,
        #[arg(long)]
        role: Role,
        #[arg(long)]
        name: Option<String>,
        /// Site slug the user belongs to (repeatable).
        #[arg(long = "site")]
        sites: Vec<String>,
    },
    /// Disable a user: their live sync connections are closed at once.
    Disable {
        email: String,
    },
    Enable {
        email: String,
    },
    List,
}

#[derive(Subcommand, Debug)]
pub enum MemberCommand {
    Add {
        email: String,
        site: String,
    },
    /// Remove a membership: live connections lose that site's documents at once.
    Remove {
        email: String,
        site: String,
    },
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        let mut config = Config::load(self.config.as_deref(), std::env::vars())?;
        if let Command::Serve { bind: Some(bind) } = &self.command {
            config.bind = bind.clone();
        }
        match self.command {
            Command::Serve { .. } => serve(config).await,
            command => {
                let store = storage::open(&config.database_url, 2)
                    .await
                    .with_context(|| {
                        format!(
                            "cannot open the database at {}",
                            redact(&config.database_url)
                        )
                    })?;
                provision(store.as_ref(), command).await
            }
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let app = Application::build(&config).await?;
    if app.store.count_users().await? == 0 {
        tracing::warn!(
            "no users yet: create the first admin with \
             `echo 'a-long-password' | floorwalk user add you@example.com --role admin --site <slug>` \
             (after `floorwalk site add <slug>`)"
        );
    }
    tracing::info!(addr = %app.addr, database = app.store.backend(), "serving");
    // Scripts and tests read this line to learn the port.
    println!("floorwalk listening on http://{}", app.addr);
    app.run_until_stopped().await?;
    Ok(())
}

async fn provision(store: &dyn Store, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve { .. } => unreachable!("handled by run"),
        Command::Migrate => println!("migrations applied ({})", store.backend()),
        Command::Demo => crate::demo::seed(store).await?,
        Command::Site(SiteCommand::Add { slug, name }) => {
            check_site_slug(&slug).map_err(anyhow::Error::msg)?;
            let site = store
                .create_site(&slug, name.as_deref().unwrap_or(&slug))
                .await?;
            let document = ensure_site_document(store, &site).await?;
            println!(
                "site {} ({}) created; its master data is automerge:{document}",
                site.slug, site.name
            );
        }
        Command::Site(SiteCommand::List) => {
            for site in store.list_sites().await? {
                println!("{}\t{}", site.slug, site.name);
            }
        }
        Command::User(command) => user(store, command).await?,
        Command::Member(MemberCommand::Add { email, site }) => {
            let (user_id, site_id) = user_and_site(store, &email, &site).await?;
            store.add_membership(user_id, site_id).await?;
            println!("{email} is now a member of {site}");
        }
        Command::Member(MemberCommand::Remove { email, site }) => {
            let (user_id, site_id) = user_and_site(store, &email, &site).await?;
            if !store.remove_membership(user_id, site_id).await? {
                bail!("{email} was not a member of {site}");
            }
            println!("{email} is no longer a member of {site}");
        }
    }
    Ok(())
}

async fn user(store: &dyn Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            email,
            role,
            name,
            sites,
        } => {
            let email = normalize_email(&email);
            if !email.contains('@') || email.len() > 254 {
                bail!("{email:?} is not an email address");
            }
            let mut site_ids = Vec::new();
            for slug in &sites {
                let site = store.find_site(slug).await?.with_context(|| {
                    format!(
                        "site {slug:?} does not exist: create it with `floorwalk site add {slug}`"
                    )
                })?;
                site_ids.push(site.id);
            }
            let password = read_password()?;
            let user = store
                .create_user(&NewUser {
                    display_name: name.unwrap_or_else(|| email.clone()),
                    email,
                    role,
                    password_hash: hash_password(password).await?,
                })
                .await?;
            for site_id in site_ids {
                store.add_membership(user.id, site_id).await?;
            }
            println!("user {} ({}) created", user.email, user.role);
        }
        UserCommand::Disable { email } => set_disabled(store, &email, true).await?,
        UserCommand::Enable { email } => set_disabled(store, &email, false).await?,
        UserCommand::List => {
            let sites = store.list_sites().await?;
            for user in store.list_users().await? {
                let member_of: Vec<&str> = store
                    .site_ids_of(user.id)
                    .await?
                    .iter()
                    .filter_map(|id| sites.iter().find(|s| s.id == *id).map(|s| s.slug.as_str()))
                    .collect();
                let state = if user.disabled { "disabled" } else { "active" };
                println!(
                    "{}\t{}\t{}\t{}",
                    user.email,
                    user.role,
                    state,
                    member_of.join(",")
                );
            }
        }
    }
    Ok(())
}

async fn set_disabled(store: &dyn Store, email: &str, disabled: bool) -> anyhow::Result<()> {
    let email = normalize_email(email);
    if !store.set_user_disabled(&email, disabled).await? {
        bail!("no user with email {email:?}");
    }
    println!("{email} {}", if disabled { "disabled" } else { "enabled" });
    Ok(())
}

async fn user_and_site(store: &dyn Store, email: &str, slug: &str) -> anyhow::Result<(i64, i64)> {
    let email = normalize_email(email);
    let user = store
        .find_user_by_email(&email)
        .await?
        .with_context(|| format!("no user with email {email:?}"))?;
    let site = store
        .find_site(slug)
        .await?
        .with_context(|| format!("site {slug:?} does not exist"))?;
    Ok((user.id, site.id))
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.chars().count() < 8 {
        bail!("the password (first line of standard input) must have at least 8 characters");
    }
    Ok(password)
}

/// A database URL with any password removed, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_redaction() {
        assert!(check_site_slug("north-2").is_ok());
        assert!(check_site_slug("North").is_err());
        assert!(check_site_slug("").is_err());
        assert!(check_site_slug("-north").is_err());
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("sqlite://./data/x.db"), "sqlite://./data/x.db");
    }
}
