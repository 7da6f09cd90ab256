//! The two stores a server-side test runs on: a scenario written once as `fn name(engine:
//! &Engine)` and listed in [`on_both_engines!`] runs on SQLite (the scratch data directory)
//! and on PostgreSQL (a fresh database on this test binary's throwaway cluster, started once,
//! see [`crate::pg_cluster`]). A test file that uses it declares both modules:
//!
//! ```ignore
//! #[path = "common/pg_cluster.rs"]
//! mod pg_cluster;
//! #[path = "common/engines.rs"]
//! #[macro_use]
//! mod engines;
//! ```

#![allow(dead_code)]

use crate::pg_cluster::{database_name, Cluster};
use std::path::Path;

/// Where a test's server and CLI keep their state.
#[derive(Debug)]
pub enum Engine {
    /// SQLite in `--data`.
    Sqlite,
    /// A database of its own on the shared cluster.
    Postgres {
        /// `postgres://…`.
        url: String,
    },
}

impl Engine {
    /// A fresh PostgreSQL database.
    pub fn postgres() -> Engine {
        Engine::Postgres {
            url: Cluster::shared().fresh_database(),
        }
    }

    /// `sqlite` or `postgres`, for names that must differ between the two runs of a test.
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres { .. } => "postgres",
        }
    }

    /// The flags that point `serve` and the CLI at this store, after `--data`.
    pub fn args(&self) -> Vec<&str> {
        match self {
            Engine::Sqlite => Vec::new(),
            Engine::Postgres { url } => vec!["--database", url],
        }
    }

    /// One value from `sql` (the SQLite or the PostgreSQL spelling), as text.
    pub fn query_text(&self, data: &Path, sqlite: &str, postgres: &str) -> String {
        match self {
            Engine::Sqlite => {
                let db = rusqlite::Connection::open(data.join("support.db")).expect("db");
                db.query_row(sqlite, [], |r| {
                    Ok(match r.get_ref(0)? {
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Text(t) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                        other => format!("{other:?}"),
                    })
                })
                .expect("query")
            }
            Engine::Postgres { url } => Cluster::shared().psql(database_name(url), postgres),
        }
    }
}

/// `on_sqlite::NAME` and `on_postgres::NAME` tests for each scenario `NAME(&Engine)`.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name(&crate::engines::Engine::Sqlite);
                }
            )*
        }

        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    super::$name(&crate::engines::Engine::postgres());
                }
            )*
        }
    };
}
