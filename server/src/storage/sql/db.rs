//! The seam between the queries and the two databases: which pool a statement runs
//! on, how its values are bound and how its rows are decoded. This is the only code
//! that matches on the backend to run a query.

use sqlx::{
    Arguments, Database, Decode, Encode, FromRow, IntoArguments, PgConnection, PgPool, Postgres,
    Row as _, Sqlite, SqliteConnection, SqlitePool, Transaction, Type, migrate::Migrator,
    pool::PoolConnection, postgres::PgRow, query::Query, sqlite::SqliteRow,
};

use super::statement::{Arg, Statement};
use crate::{
    stmt,
    storage::{
        StoreResult,
        cluster::{ClusterNote, Job, Lease, SoleInstance},
        postgres, sqlite,
    },
};

pub(crate) enum Db {
    /// Readers, and the one writer every write queues on (see `storage/sqlite.rs`).
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

/// Where statements run: a connection taken from a pool, or a transaction (which
/// rolls back unless committed).
pub(crate) enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    SqliteTx(Transaction<'static, Sqlite>),
    Postgres(PoolConnection<Postgres>),
    PostgresTx(Transaction<'static, Postgres>),
}

/// The driver connection under a [`Conn`].
enum Link<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// One row of either backend, read column by column.
#[derive(Clone, Copy)]
pub(crate) enum Row<'r> {
    Sqlite(&'r SqliteRow),
    Postgres(&'r PgRow),
}

/// A type that decodes from a row of either backend.
pub(crate) trait Decoded: Sized + Send {
    fn decode(row: Row<'_>) -> StoreResult<Self>;
}

impl<T> Decoded for T
where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send,
{
    fn decode(row: Row<'_>) -> StoreResult<Self> {
        Ok(match row {
            Row::Sqlite(row) => T::from_row(row)?,
            Row::Postgres(row) => T::from_row(row)?,
        })
    }
}

impl Row<'_> {
    pub fn get<T>(&self, column: &str) -> StoreResult<T>
    where
        T: for<'a> Decode<'a, Sqlite>
            + Type<Sqlite>
            + for<'a> Decode<'a, Postgres>
            + Type<Postgres>,
    {
        Ok(match self {
            Row::Sqlite(row) => row.try_get(column)?,
            Row::Postgres(row) => row.try_get(column)?,
        })
    }
}

fn decoded<'r, T: Decoded, R>(rows: &'r [R], row: fn(&'r R) -> Row<'r>) -> StoreResult<Vec<T>> {
    rows.iter().map(|r| T::decode(row(r))).collect()
}

impl Db {
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub fn migrator(&self) -> &'static Migrator {
        match self {
            Db::Sqlite { .. } => &sqlite::MIGRATOR,
            Db::Postgres(_) => &postgres::MIGRATOR,
        }
    }

    /// A connection for reads (SQLite: a reader, which WAL lets run beside the writer).
    pub async fn read(&self) -> StoreResult<Conn> {
        Ok(match self {
            Db::Sqlite { read, .. } => Conn::Sqlite(read.acquire().await?),
            Db::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    /// The connection for a write outside a transaction (SQLite: the writer).
    pub async fn write(&self) -> StoreResult<Conn> {
        Ok(match self {
            Db::Sqlite { write, .. } => Conn::Sqlite(write.acquire().await?),
            Db::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }

    /// A transaction that writes (SQLite: on the writer).
    pub async fn begin(&self) -> StoreResult<Conn> {
        Ok(match self {
            Db::Sqlite { write, .. } => Conn::SqliteTx(write.begin().await?),
            Db::Postgres(pool) => Conn::PostgresTx(pool.begin().await?),
        })
    }

    /// A transaction that only reads, so that its reads see one state (SQLite: on a
    /// reader).
    pub async fn begin_read(&self) -> StoreResult<Conn> {
        Ok(match self {
            Db::Sqlite { read, .. } => Conn::SqliteTx(read.begin().await?),
            Db::Postgres(pool) => Conn::PostgresTx(pool.begin().await?),
        })
    }
}

/// Other instances: only Postgres has any.
impl Db {
    pub async fn listen(
        &self,
        instance: std::sync::Arc<str>,
    ) -> StoreResult<Option<tokio::sync::mpsc::Receiver<ClusterNote>>> {
        match self {
            Db::Sqlite { .. } => Ok(None),
            Db::Postgres(pool) => Ok(Some(postgres::listen(pool, instance).await?)),
        }
    }

    /// Tells the other instances at once, outside any transaction.
    pub async fn notify(&self, channel: &str, payload: &str) -> StoreResult<()> {
        match self {
            Db::Sqlite { .. } => Ok(()),
            Db::Postgres(_) => self.write().await?.notify(channel, payload).await,
        }
    }

    pub async fn try_lead(&self, job: Job) -> StoreResult<Option<Box<dyn Lease>>> {
        match self {
            Db::Sqlite { .. } => Ok(Some(Box::new(SoleInstance))),
            Db::Postgres(pool) => postgres::try_lead(pool, job).await,
        }
    }
}

/// One statement outside a transaction: reads on a reader, writes on the writer.
impl Db {
    pub async fn fetch_all<T: Decoded>(&self, st: &Statement) -> StoreResult<Vec<T>> {
        self.read().await?.fetch_all(st).await
    }

    pub async fn fetch_optional<T: Decoded>(&self, st: &Statement) -> StoreResult<Option<T>> {
        self.read().await?.fetch_optional(st).await
    }

    pub async fn fetch_one<T: Decoded>(&self, st: &Statement) -> StoreResult<T> {
        self.read().await?.fetch_one(st).await
    }

    pub async fn scalar<T>(&self, st: &Statement) -> StoreResult<T>
    where
        (T,): Decoded,
    {
        self.read().await?.scalar(st).await
    }

    pub async fn execute(&self, st: &Statement) -> StoreResult<u64> {
        self.write().await?.execute(st).await
    }

    /// A write that returns its row (`RETURNING`).
    pub async fn write_optional<T: Decoded>(&self, st: &Statement) -> StoreResult<Option<T>> {
        self.write().await?.fetch_optional(st).await
    }

    pub async fn write_one<T: Decoded>(&self, st: &Statement) -> StoreResult<T> {
        self.write().await?.fetch_one(st).await
    }
}

impl Conn {
    fn link(&mut self) -> Link<'_> {
        match self {
            Conn::Sqlite(c) => Link::Sqlite(c),
            Conn::SqliteTx(c) => Link::Sqlite(c),
            Conn::Postgres(c) => Link::Postgres(c),
            Conn::PostgresTx(c) => Link::Postgres(c),
        }
    }

    /// Commits a transaction; a connection from a pool has nothing to commit.
    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Conn::SqliteTx(tx) => tx.commit().await?,
            Conn::PostgresTx(tx) => tx.commit().await?,
            Conn::Sqlite(_) | Conn::Postgres(_) => {}
        }
        Ok(())
    }

    /// Tells the other instances (Postgres `NOTIFY`, sent when the transaction
    /// commits, and only if it does); SQLite has no one to tell.
    pub async fn notify(&mut self, channel: &str, payload: &str) -> StoreResult<()> {
        if let Link::Postgres(_) = self.link() {
            self.execute(&stmt!("SELECT pg_notify($1, $2)", channel, payload))
                .await?;
        }
        Ok(())
    }

    /// Returns the number of rows affected.
    pub async fn execute(&mut self, st: &Statement) -> StoreResult<u64> {
        Ok(match self.link() {
            Link::Sqlite(c) => query(st)?.execute(c).await?.rows_affected(),
            Link::Postgres(c) => query(st)?.execute(c).await?.rows_affected(),
        })
    }

    pub async fn fetch_all<T: Decoded>(&mut self, st: &Statement) -> StoreResult<Vec<T>> {
        match self.link() {
            Link::Sqlite(c) => decoded(&query(st)?.fetch_all(c).await?, Row::Sqlite),
            Link::Postgres(c) => decoded(&query(st)?.fetch_all(c).await?, Row::Postgres),
        }
    }

    pub async fn fetch_optional<T: Decoded>(&mut self, st: &Statement) -> StoreResult<Option<T>> {
        let rows: Vec<T> = match self.link() {
            Link::Sqlite(c) => {
                decoded(query(st)?.fetch_optional(c).await?.as_slice(), Row::Sqlite)?
            }
            Link::Postgres(c) => decoded(
                query(st)?.fetch_optional(c).await?.as_slice(),
                Row::Postgres,
            )?,
        };
        Ok(rows.into_iter().next())
    }

    pub async fn fetch_one<T: Decoded>(&mut self, st: &Statement) -> StoreResult<T> {
        self.fetch_optional(st)
            .await?
            .ok_or_else(|| sqlx::Error::RowNotFound.into())
    }

    /// The first column of the one row.
    pub async fn scalar<T>(&mut self, st: &Statement) -> StoreResult<T>
    where
        (T,): Decoded,
    {
        Ok(self.fetch_one::<(T,)>(st).await?.0)
    }
}

/// The statement with its values bound, for either driver.
fn query<'q, DB: Database>(st: &'q Statement) -> StoreResult<Query<'q, DB, DB::Arguments<'q>>>
where
    Option<i64>: Encode<'q, DB> + Type<DB>,
    Option<f64>: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    Option<bool>: Encode<'q, DB> + Type<DB>,
    Option<&'q [u8]>: Encode<'q, DB> + Type<DB>,
    DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    let mut args = DB::Arguments::default();
    for arg in &st.args {
        match arg {
            Arg::Int(v) => args.add(*v),
            Arg::Real(v) => args.add(*v),
            Arg::Text(v) => args.add(v.as_deref()),
            Arg::Bool(v) => args.add(*v),
            Arg::Bytes(v) => args.add(v.as_deref()),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(sqlx::query_with(&st.sql, args))
}
