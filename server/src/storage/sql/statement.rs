//! SQL statements as plain data: portable SQL text with `$n` placeholders and the
//! values to bind, so every query is written once. Both drivers bind `$n` by number
//! (sqlx-sqlite reads the number from the parameter's name), and a number may repeat.

use std::{borrow::Cow, fmt::Write};

/// A value to bind, typed even when it is NULL: Postgres refuses a NULL of the wrong type.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
}

/// `From` for each Rust type the queries bind.
macro_rules! arg_from {
    ($($ty:ty => |$v:ident| $arg:expr;)*) => {
        $(impl From<$ty> for Arg {
            fn from($v: $ty) -> Self {
                $arg
            }
        })*
    };
}

/// Counts past `i64::MAX` are stored as `i64::MAX` rather than wrapping negative.
fn clamp(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

arg_from! {
    i64 => |v| Arg::Int(Some(v));
    Option<i64> => |v| Arg::Int(v);
    u64 => |v| Arg::Int(Some(clamp(v)));
    Option<u64> => |v| Arg::Int(v.map(clamp));
    u32 => |v| Arg::Int(Some(v.into()));
    Option<u32> => |v| Arg::Int(v.map(Into::into));
    Option<f64> => |v| Arg::Real(v);
    bool => |v| Arg::Bool(Some(v));
    Option<bool> => |v| Arg::Bool(v);
    &str => |v| Arg::Text(Some(v.to_string()));
    String => |v| Arg::Text(Some(v));
    &String => |v| Arg::Text(Some(v.clone()));
    Option<String> => |v| Arg::Text(v);
    Option<&String> => |v| Arg::Text(v.cloned());
    Option<&str> => |v| Arg::Text(v.map(str::to_string));
    &[u8] => |v| Arg::Bytes(Some(v.to_vec()));
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: Cow<'static, str>,
    pub args: Vec<Arg>,
}

impl Statement {
    pub fn new(sql: impl Into<Cow<'static, str>>, args: Vec<Arg>) -> Self {
        Self {
            sql: sql.into(),
            args,
        }
    }
}

/// Shorthand: `stmt!(SQL, a, b, c)`; the SQL is a `&'static str` or a `String`.
#[macro_export]
macro_rules! stmt {
    ($sql:expr $(, $arg:expr)* $(,)?) => {
        $crate::storage::sql::Statement::new($sql, vec![$($crate::storage::sql::Arg::from($arg)),*])
    };
}

/// A statement put together piece by piece (filters, `IN` lists), numbering `$n` as
/// values are bound. Pushed text is the caller's fixed SQL, never user input.
#[derive(Debug, Default)]
pub struct SqlBuilder {
    sql: String,
    args: Vec<Arg>,
}

impl SqlBuilder {
    pub fn new(sql: impl Into<String>) -> Self {
        Self {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, sql: impl AsRef<str>) -> &mut Self {
        self.sql.push_str(sql.as_ref());
        self
    }

    pub fn push_bind(&mut self, value: impl Into<Arg>) -> &mut Self {
        self.args.push(value.into());
        let _ = write!(self.sql, "${}", self.args.len());
        self
    }

    /// `$a, $b, …`: one placeholder per value.
    pub fn push_binds<T: Into<Arg>>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.push_bind(value);
        }
        self
    }

    /// ` <column> IN ($a, …)`; no values match nothing.
    pub fn push_in<T: Into<Arg> + Clone>(&mut self, column: &str, values: &[T]) -> &mut Self {
        if values.is_empty() {
            return self.push(" 1 = 0");
        }
        self.push(format!(" {column} IN ("))
            .push_binds(values.iter().cloned())
            .push(")")
    }

    pub fn build(self) -> Statement {
        Statement {
            sql: Cow::Owned(self.sql),
            args: self.args,
        }
    }
}

/// A case-insensitive substring pattern for `LOWER(column) LIKE $n ESCAPE '\'`, with the
/// user's `%`, `_` and `\` taken literally.
pub(crate) fn like_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for ch in search.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_literal() {
        assert_eq!(like_pattern(" Wrap_5% "), "%wrap\\_5\\%%");
    }

    #[test]
    fn the_builder_numbers_placeholders_in_order() {
        let mut qb = SqlBuilder::new("SELECT 1 WHERE a IN (");
        qb.push_binds([3_i64, 4]).push(") AND b = ").push_bind("x");
        let statement = qb.build();
        assert_eq!(statement.sql, "SELECT 1 WHERE a IN ($1, $2) AND b = $3");
        assert_eq!(
            statement.args,
            [Arg::Int(Some(3)), Arg::Int(Some(4)), Arg::from("x")]
        );
    }
}
