//! One store, two engines: what `serve` asks of the database, on SQLite (the default,
//! embedded in `--data`) or on PostgreSQL (`--database postgres://…`, shared by instances).
//!
//! An enum rather than a trait object: there are exactly two engines, both known here, and
//! the calls are `async`; a `match` per call needs no boxed futures and no `async-trait`, and
//! the compiler lists every call that a new operation must give both engines. Each arm calls
//! the engine's own code ([`super::writer`] and the `Readers` pool for SQLite, [`super::pg`]
//! for PostgreSQL); the semantics are the same, and the suite at the bottom of this file runs
//! the same scenarios on both.
//!
//! Not here: the admin API's schedule changes, the helpdesk hook and the CLI call each
//! engine's code directly (SQLite's connection, or [`super::pg`] and [`super::pg::admin`]);
//! the delivery worker takes its engine's queue itself (`crate::delivery::Queue`).

use super::admin_tokens::AdminToken;
use super::pg::{admin, Postgres};
use super::schedule::{self, Item};
use super::sessions::Session;
use super::writer::{CreateOutcome, FeedbackOutcome, NewTicket, WriteError, Writer};
use super::{Readers, Reply, StoreError, TicketRecord};
use lms_support_widget::help_events::Counter;
use std::sync::Arc;

/// The database `serve` works on.
#[derive(Clone, Debug)]
pub enum Engine {
    /// `DATA/support.db`: one writer thread, a pool of readers.
    Sqlite {
        /// The group-commit writer.
        writer: Writer,
        /// Read-only connections.
        readers: Arc<Readers>,
    },
    /// A PostgreSQL database shared by every instance.
    Postgres(Arc<Postgres>),
}

impl Engine {
    /// `sqlite` or `postgres`, for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Sqlite { .. } => "sqlite",
            Engine::Postgres(_) => "postgres",
        }
    }

    /// The PostgreSQL handle, when that is the engine.
    pub fn postgres(&self) -> Option<&Arc<Postgres>> {
        match self {
            Engine::Sqlite { .. } => None,
            Engine::Postgres(pg) => Some(pg),
        }
    }

    /// Creates a ticket, or finds the one its idempotency key made.
    ///
    /// # Errors
    /// [`WriteError::Busy`] when the writer's queue is full; store errors.
    pub async fn create(&self, ticket: NewTicket) -> Result<CreateOutcome, WriteError> {
        match self {
            Engine::Sqlite { writer, .. } => writer.create(ticket).await,
            Engine::Postgres(pg) => pg.writer().create(ticket).await,
        }
    }

    /// Stores a rating for a resolved ticket that has none.
    ///
    /// # Errors
    /// [`WriteError::Busy`] when the writer's queue is full; store errors.
    pub async fn feedback(
        &self,
        id: i64,
        rating: i64,
        comment: String,
        now: i64,
    ) -> Result<FeedbackOutcome, WriteError> {
        match self {
            Engine::Sqlite { writer, .. } => writer.feedback(id, rating, comment, now).await,
            Engine::Postgres(pg) => pg.writer().feedback(id, rating, comment, now).await,
        }
    }

    /// Escalates overdue critical tickets and forgets expired replay tokens: how many of each.
    ///
    /// # Errors
    /// [`WriteError::Busy`] when the writer's queue is full; store errors.
    pub async fn maintain(&self, now: i64) -> Result<(usize, usize), WriteError> {
        match self {
            Engine::Sqlite { writer, .. } => writer.maintain(now).await,
            Engine::Postgres(pg) => Ok(pg.maintain(now).await?),
        }
    }

    /// Adds a batch of help events' counts to `client`'s `day`, durably.
    ///
    /// # Errors
    /// [`WriteError::Busy`] when SQLite's writer queue is full; store errors.
    pub async fn help_counts(
        &self,
        client: String,
        day: String,
        counts: Vec<(Counter, u64)>,
    ) -> Result<(), WriteError> {
        match self {
            Engine::Sqlite { writer, .. } => writer.help_counts(client, day, counts).await,
            Engine::Postgres(pg) => Ok(pg.help_counts(&client, &day, &counts).await?),
        }
    }

    /// True when an idempotency key has been used.
    ///
    /// # Errors
    /// Store errors.
    pub async fn key_exists(&self, key: String) -> Result<bool, StoreError> {
        match self {
            Engine::Sqlite { readers, .. } => {
                readers.run(move |c| super::key_exists(c, &key)).await
            }
            Engine::Postgres(pg) => pg.key_exists(&key).await,
        }
    }

    /// The ticket `number` names within `client` (any client when `None`), with its replies.
    ///
    /// # Errors
    /// Store errors.
    pub async fn ticket_by_number(
        &self,
        number: String,
        client: Option<String>,
    ) -> Result<Option<(TicketRecord, Vec<Reply>)>, StoreError> {
        match self {
            Engine::Sqlite { readers, .. } => {
                readers
                    .run(move |conn| {
                        let Some(t) = super::ticket_by_number(conn, &number, client.as_deref())?
                        else {
                            return Ok(None);
                        };
                        let replies = super::replies(conn, t.id)?;
                        Ok(Some((t, replies)))
                    })
                    .await
            }
            Engine::Postgres(pg) => pg.ticket_by_number(&number, client.as_deref()).await,
        }
    }

    /// The schedule's version, bumped by every change (by any process or instance).
    ///
    /// # Errors
    /// Store errors.
    pub async fn schedule_version(&self) -> Result<i64, StoreError> {
        match self {
            Engine::Sqlite { readers, .. } => readers.run(schedule::version).await,
            Engine::Postgres(pg) => pg.schedule_version().await,
        }
    }

    /// Every maintenance window and notice, oldest first.
    ///
    /// # Errors
    /// Store errors.
    pub async fn schedule_list(&self) -> Result<Vec<Item>, StoreError> {
        match self {
            Engine::Sqlite { readers, .. } => readers.run(|c| schedule::list(c, None)).await,
            Engine::Postgres(pg) => pg.schedule_list().await,
        }
    }

    /// The windows (or notices), oldest first.
    ///
    /// # Errors
    /// Store errors.
    pub async fn schedule_of(&self, kind: schedule::Kind) -> Result<Vec<Item>, StoreError> {
        let mut items = self.schedule_list().await?;
        items.retain(|item| item.kind == kind);
        Ok(items)
    }

    /// The window or notice with this id.
    ///
    /// # Errors
    /// Store errors.
    pub async fn schedule_item(&self, id: &str) -> Result<Option<Item>, StoreError> {
        Ok(self
            .schedule_list()
            .await?
            .into_iter()
            .find(|item| item.id == id))
    }

    /// Tickets, oldest first (see [`super::list`]).
    ///
    /// # Errors
    /// Store errors.
    pub async fn list_tickets(
        &self,
        filter: super::ListFilter,
    ) -> Result<Vec<TicketRecord>, StoreError> {
        match self {
            Engine::Sqlite { readers, .. } => readers.run(move |c| super::list(c, &filter)).await,
            Engine::Postgres(pg) => super::pg::list(&**pg.connection().await?, &filter).await,
        }
    }

    /// The audit log, oldest first, for one item or all.
    ///
    /// # Errors
    /// Store errors.
    pub async fn audit_log(
        &self,
        target: Option<String>,
    ) -> Result<Vec<schedule::AuditEntry>, StoreError> {
        match self {
            Engine::Sqlite { readers, .. } => {
                readers
                    .run(move |c| schedule::audit_log(c, target.as_deref()))
                    .await
            }
            Engine::Postgres(pg) => {
                admin::audit_log(&**pg.connection().await?, target.as_deref()).await
            }
        }
    }

    /// The active admin token whose plaintext is `presented`.
    ///
    /// # Errors
    /// Store errors.
    pub async fn authenticate(&self, presented: String) -> Result<Option<AdminToken>, StoreError> {
        match self {
            Engine::Sqlite { readers, .. } => {
                readers
                    .run(move |c| super::admin_tokens::authenticate(c, &presented))
                    .await
            }
            Engine::Postgres(pg) => {
                admin::authenticate(&**pg.connection().await?, &presented).await
            }
        }
    }

    /// The live console session whose id is `presented`.
    ///
    /// # Errors
    /// Store errors.
    pub async fn find_session(
        &self,
        presented: String,
        now: i64,
    ) -> Result<Option<Session>, StoreError> {
        match self {
            Engine::Sqlite { readers, .. } => {
                readers
                    .run(move |c| super::sessions::find(c, &presented, now))
                    .await
            }
            Engine::Postgres(pg) => {
                admin::find_session(&**pg.connection().await?, &presented, now).await
            }
        }
    }
}

#[cfg(test)]
#[path = "../../tests/common/pg_cluster.rs"]
pub mod pg_cluster;

/// The store suite: each scenario is written once against [`Engine`] and run on SQLite and on
/// a real PostgreSQL (one throwaway cluster for this test binary, a database per test).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::writer::{CreateOutcome, NewTicket};
    use crate::store::{self, token};
    use lms_support_widget::ticket::{self, TicketDraft};
    use std::path::PathBuf;

    /// A scratch directory, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir()
                .join(format!("lms-support-engine-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("dir");
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    }

    /// Runs `scenario` on a fresh SQLite store.
    fn on_sqlite<F, Fut>(name: &str, scenario: F)
    where
        F: FnOnce(Vec<Engine>) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let dir = Scratch::new(&format!("sqlite-{name}"));
        let path = store::db_path(&dir.0);
        let conn = store::open_writer(&path).expect("open");
        let (writer, thread) = Writer::start(conn, dir.0.clone()).expect("writer");
        let engine = Engine::Sqlite {
            writer,
            readers: Arc::new(Readers::new(path)),
        };
        runtime().block_on(scenario(vec![engine]));
        thread.join().expect("writer thread");
    }

    /// Runs `scenario` on a fresh PostgreSQL database, with two handles on it (two
    /// instances' worth: two writers, two pools).
    fn on_postgres<F, Fut>(name: &str, scenario: F)
    where
        F: FnOnce(Vec<Engine>) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let url = pg_cluster::Cluster::shared().fresh_database();
        let dir = Scratch::new(&format!("postgres-{name}"));
        runtime().block_on(async {
            let mut engines = Vec::new();
            for _ in 0..2 {
                let pg = Postgres::connect(&url, dir.0.clone())
                    .await
                    .expect("connect");
                engines.push(Engine::Postgres(pg));
            }
            scenario(engines).await;
        });
    }

    fn new_ticket(client: &str, key: &str, body: u8, now: i64) -> NewTicket {
        let draft = TicketDraft {
            subject: "Cannot log in".into(),
            description: "It fails.".into(),
            priority: "high".into(),
            category: "access".into(),
            email: "ana@example.edu".into(),
            ..TicketDraft::default()
        };
        NewTicket {
            ticket: ticket::validate(&draft, None).expect("valid"),
            client: client.into(),
            prefix: client.to_ascii_uppercase(),
            key: key.into(),
            body_hash: [body; 32],
            token: token::new_token().expect("token"),
            now,
            due: now + 3600,
            staging: None,
            files: Vec::new(),
            helpdesk: None,
        }
    }

    /// A key creates once; the same key and body is a replay with the same number and token
    /// (on any instance); the same key with another body is refused.
    async fn create_replay_reuse(engines: Vec<Engine>) {
        let first = &engines[0];
        let other = engines.last().unwrap_or(first);
        let made = first
            .create(new_ticket("acme", "k1", 1, 1000))
            .await
            .expect("create");
        let CreateOutcome::Created(summary) = made else {
            panic!("not created: {made:?}");
        };
        assert_eq!(summary.number, "ACME-000001");
        let replay = other
            .create(new_ticket("acme", "k1", 1, 2000))
            .await
            .expect("replay");
        assert_eq!(replay, CreateOutcome::Replayed(summary.clone()));
        let reused = other
            .create(new_ticket("acme", "k1", 2, 2000))
            .await
            .expect("reuse");
        assert_eq!(reused, CreateOutcome::KeyReused);
        assert!(first.key_exists("k1".into()).await.expect("lookup"));
        assert!(!other.key_exists("k2".into()).await.expect("lookup"));
        let (ticket, replies) = other
            .ticket_by_number("acme-1".into(), Some("acme".into()))
            .await
            .expect("read")
            .expect("found");
        assert_eq!((ticket.subject(), replies.len()), ("Cannot log in", 0));
        assert!(token::token_matches(&summary.token, &ticket.token_hash));
        // Another client's route does not see it.
        assert!(other
            .ticket_by_number("ACME-000001".into(), Some("uni".into()))
            .await
            .expect("read")
            .is_none());
    }

    #[test]
    fn create_replay_reuse_on_sqlite() {
        on_sqlite("replay", create_replay_reuse);
    }

    #[test]
    fn create_replay_reuse_on_postgres() {
        on_postgres("replay", create_replay_reuse);
    }

    /// Many creates at once, spread over the instances, every tenth repeating an earlier key:
    /// each key stored once, numbers per client unique and without gaps.
    async fn concurrent_creates(engines: Vec<Engine>) {
        let mut tasks = Vec::new();
        for i in 0..300usize {
            let engine = engines[i % engines.len()].clone();
            let client = if i % 3 == 0 { "uni" } else { "acme" };
            let key = format!("k{}", if i % 10 == 9 { i - 3 } else { i });
            tasks.push(tokio::spawn(async move {
                engine.create(new_ticket(client, &key, 7, 1000)).await
            }));
        }
        let mut numbers = Vec::new();
        let mut replays = 0;
        for task in tasks {
            match task.await.expect("task").expect("create") {
                CreateOutcome::Created(s) => numbers.push(s.number),
                CreateOutcome::Replayed(_) => replays += 1,
                CreateOutcome::KeyReused => panic!("reused"),
            }
        }
        assert_eq!((numbers.len(), replays), (270, 30));
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 270, "a number was given twice");
        let uni = numbers.iter().filter(|n| n.starts_with("UNI-")).count();
        assert_eq!(numbers.last().map(String::as_str), Some("UNI-000090"));
        assert_eq!(uni, 90);
        assert!(numbers.contains(&"ACME-000180".to_string()));
    }

    #[test]
    fn concurrent_creates_on_sqlite() {
        on_sqlite("concurrent", concurrent_creates);
    }

    #[test]
    fn concurrent_creates_on_postgres() {
        on_postgres("concurrent", concurrent_creates);
    }

    /// Feedback needs a resolved ticket, once.
    async fn feedback_rules(engines: Vec<Engine>) {
        let engine = &engines[0];
        let CreateOutcome::Created(s) = engine
            .create(new_ticket("acme", "k1", 1, 1000))
            .await
            .expect("create")
        else {
            panic!("not created");
        };
        let rate = |id| engine.feedback(id, 4, "ok".into(), 3000);
        assert_eq!(
            rate(s.id).await.expect("rate"),
            FeedbackOutcome::NotResolved
        );
        assert_eq!(
            rate(s.id + 1000).await.expect("rate"),
            FeedbackOutcome::NotFound
        );
        resolve(engine, s.id).await;
        assert_eq!(rate(s.id).await.expect("rate"), FeedbackOutcome::Saved);
        assert_eq!(
            rate(s.id).await.expect("rate"),
            FeedbackOutcome::AlreadyRated
        );
        let (t, _) = engine
            .ticket_by_number(s.number.clone(), None)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(
            (t.rating, t.feedback_comment.as_deref(), t.feedback_at),
            (Some(4), Some("ok"), Some(3000))
        );
    }

    /// Resolves a ticket as an agent would (the agent CLI is SQLite's; on PostgreSQL, SQL).
    async fn resolve(engine: &Engine, id: i64) {
        match engine {
            Engine::Sqlite { readers, .. } => {
                let path = readers.path().to_path_buf();
                let mut conn = store::open_existing(&path).expect("open").expect("exists");
                store::apply(&mut conn, id, store::AgentAction::Resolve, 2000).expect("resolve");
            }
            Engine::Postgres(pg) => {
                let db = pg.connection().await.expect("connection");
                db.execute(
                    "UPDATE tickets SET status = 'resolved', resolved_at = 2000 WHERE id = $1",
                    &[&id],
                )
                .await
                .expect("resolve");
            }
        }
    }

    #[test]
    fn feedback_rules_on_sqlite() {
        on_sqlite("feedback", feedback_rules);
    }

    #[test]
    fn feedback_rules_on_postgres() {
        on_postgres("feedback", feedback_rules);
    }

    /// acme's ticket `k1` at 1000: critical, "Exam down", from ana@example.edu.
    fn critical_ticket() -> NewTicket {
        let mut critical = new_ticket("acme", "k1", 1, 1000);
        let draft = TicketDraft {
            subject: "Exam down".into(),
            description: "Nobody can open the exam.".into(),
            priority: "critical".into(),
            category: "outage".into(),
            email: "ana@example.edu".into(),
            ..TicketDraft::default()
        };
        critical.ticket = ticket::validate(&draft, None).expect("valid");
        critical
    }

    /// A critical ticket unanswered at its target escalates once; replay tokens are
    /// forgotten after a day, and a replay then gets a fresh token that works.
    async fn maintenance(engines: Vec<Engine>) {
        let engine = &engines[0];
        let critical = critical_ticket();
        engine.create(critical).await.expect("create");
        engine
            .create(new_ticket("acme", "k2", 1, 1000))
            .await
            .expect("create");
        assert_eq!(
            engine.maintain(1000 + 3599).await.expect("maintain"),
            (0, 0)
        );
        assert_eq!(
            engine.maintain(1000 + 3600).await.expect("maintain"),
            (1, 0)
        );
        assert_eq!(
            engine.maintain(1000 + 7200).await.expect("maintain"),
            (0, 0)
        );
        let day = store::REPLAY_TOKEN_SECONDS;
        assert_eq!(engine.maintain(1000 + day).await.expect("maintain"), (0, 2));
        let CreateOutcome::Replayed(again) = engine
            .create(new_ticket("acme", "k2", 1, 1000 + day))
            .await
            .expect("replay")
        else {
            panic!("not a replay");
        };
        let (t, _) = engine
            .ticket_by_number(again.number.clone(), None)
            .await
            .expect("read")
            .expect("found");
        assert!(token::token_matches(&again.token, &t.token_hash));
        let (first, _) = engine
            .ticket_by_number("ACME-000001".into(), None)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(
            (first.escalation_level, first.escalated_at),
            (1, Some(4600))
        );
    }

    #[test]
    fn maintenance_on_sqlite() {
        on_sqlite("maintain", maintenance);
    }

    #[test]
    fn maintenance_on_postgres() {
        on_postgres("maintain", maintenance);
    }

    /// Tickets name the windows and notices active on the page; the schedule reads empty at
    /// version 0 on a new store.
    async fn notices_and_schedule(engines: Vec<Engine>) {
        let engine = &engines[0];
        let mut with_notice = new_ticket("acme", "k1", 1, 1000);
        let mut draft = TicketDraft {
            subject: "Slow videos".into(),
            description: "They buffer.".into(),
            priority: "routine".into(),
            category: "content".into(),
            email: "ana@example.edu".into(),
            ..TicketDraft::default()
        };
        draft.context = vec![(
            schedule::ACTIVE_ITEMS_KEY.to_string(),
            "inc-42, mw-1,inc-42".to_string(),
        )];
        with_notice.ticket = ticket::validate(&draft, None).expect("valid");
        engine.create(with_notice).await.expect("create");
        assert_eq!(engine.schedule_version().await.expect("version"), 0);
        assert!(engine.schedule_list().await.expect("list").is_empty());
        let linked: Vec<String> = match engine {
            Engine::Sqlite { readers, .. } => readers
                .run(|c| {
                    let mut stmt =
                        c.prepare("SELECT notice_id FROM ticket_notices ORDER BY notice_id")?;
                    let rows = stmt.query_map([], |r| r.get(0))?;
                    Ok(rows.collect::<Result<_, _>>()?)
                })
                .await
                .expect("read"),
            Engine::Postgres(pg) => pg
                .connection()
                .await
                .expect("connection")
                .query(
                    "SELECT notice_id FROM ticket_notices ORDER BY notice_id COLLATE \"C\"",
                    &[],
                )
                .await
                .expect("read")
                .iter()
                .map(|r| r.get(0))
                .collect(),
        };
        assert_eq!(linked, ["inc-42", "mw-1"]);
    }

    #[test]
    fn notices_and_schedule_on_sqlite() {
        on_sqlite("notices", notices_and_schedule);
    }

    #[test]
    fn notices_and_schedule_on_postgres() {
        on_postgres("notices", notices_and_schedule);
    }

    /// What `serve` queued on PostgreSQL, as `(kind, ticket id or webhook event)`, by id.
    async fn queued(engine: &Engine) -> Vec<(String, String)> {
        let Engine::Postgres(pg) = engine else {
            return Vec::new();
        };
        let db = pg.connection().await.expect("connection");
        crate::store::pg::deliveries::list(&**db, false)
            .await
            .expect("list")
            .into_iter()
            .map(|d| {
                let about = match d.payload.get("body").and_then(|b| b.as_str()) {
                    Some(body) => serde_json::from_str::<serde_json::Value>(body)
                        .map(|b| b["type"].as_str().unwrap_or("").to_string())
                        .unwrap_or_default(),
                    None => d.payload["ticket_id"].to_string(),
                };
                (d.kind, about)
            })
            .collect()
    }

    /// A message claimed by one instance is no one else's until the claim runs out; then (the
    /// instance died mid-send) the next instance takes it, with the same message id. Once
    /// marked delivered it is done.
    #[test]
    fn a_claim_keeps_a_message_from_a_second_sender_until_it_runs_out() {
        use crate::store::deliveries::HelpdeskRoute;
        use crate::store::pg::deliveries::CLAIM_SECONDS;
        let with_route = |key: &str, now: i64| NewTicket {
            helpdesk: Some(HelpdeskRoute {
                to: "helpdesk@acme.example".into(),
                from: "support@acme.example".into(),
            }),
            ..new_ticket("acme", key, 1, now)
        };
        on_postgres("claims", |engines| async move {
            engines[0]
                .create(with_route("k1", 1000))
                .await
                .expect("create");
            let (Some(a), Some(b)) = (engines[0].postgres(), engines[1].postgres()) else {
                panic!("not postgres");
            };
            let first = a.claim_delivery(1000).await.expect("claim").expect("due");
            assert_eq!(first.delivery.kind, "helpdesk_email");
            assert_eq!(
                first.ticket.as_ref().map(|t| t.subject()),
                Some("Cannot log in")
            );
            assert!(first
                .delivery
                .message_id
                .starts_with(&format!("<delivery-{}.", first.delivery.id)));
            assert!(b.claim_delivery(1000).await.expect("claim").is_none());
            assert!(b
                .claim_delivery(1000 + CLAIM_SECONDS - 1)
                .await
                .expect("claim")
                .is_none());
            let again = b
                .claim_delivery(1000 + CLAIM_SECONDS)
                .await
                .expect("claim")
                .expect("due again");
            assert_eq!(
                (again.delivery.id, again.delivery.message_id.as_str()),
                (first.delivery.id, first.delivery.message_id.as_str())
            );
            b.mark_delivery(again.delivery.id, Ok(1000 + CLAIM_SECONDS))
                .await
                .expect("mark");
            assert!(a.claim_delivery(1_000_000).await.expect("claim").is_none());
            // A failed attempt is due again at the time it gives, not before.
            engines[1]
                .create(with_route("k2", 2000))
                .await
                .expect("create");
            let second = a.claim_delivery(2000).await.expect("claim").expect("due");
            a.mark_delivery(second.delivery.id, Err(("refused", 2005)))
                .await
                .expect("mark");
            assert!(b.claim_delivery(2004).await.expect("claim").is_none());
            let retried = b.claim_delivery(2005).await.expect("claim").expect("due");
            assert_eq!(
                (
                    retried.delivery.attempts,
                    retried.delivery.last_error.as_deref()
                ),
                (1, Some("refused"))
            );
        });
    }

    /// Two instances running their maintenance at once escalate a late critical ticket once
    /// and queue its e-mail and webhook once; new tickets and ratings queue their webhooks.
    #[test]
    fn escalation_and_events_are_queued_once_on_postgres() {
        use crate::store::deliveries::{ClientMail, Webhook};
        on_postgres("escalation", |engines| async move {
            let hook = Webhook {
                url: "http://127.0.0.1:9/hook".into(),
                secret: "s".into(),
                events: vec![
                    "ticket.created".into(),
                    "ticket.updated".into(),
                    "feedback.created".into(),
                ],
            };
            // Each instance syncs its configuration, the same one.
            for engine in &engines {
                let Some(pg) = engine.postgres() else {
                    panic!("not postgres");
                };
                pg.sync_deliveries(
                    &[("acme".to_string(), hook.clone())],
                    &[ClientMail {
                        client: "acme".into(),
                        notify_from: Some("support@acme.example".into()),
                        escalation_email: Some("escalations@acme.example".into()),
                    }],
                )
                .await
                .expect("sync");
            }
            let critical = critical_ticket();
            let CreateOutcome::Created(made) = engines[0].create(critical).await.expect("create")
            else {
                panic!("not created");
            };
            let (one, other) = tokio::join!(
                engines[0].maintain(1000 + 3600),
                engines[1].maintain(1000 + 3600)
            );
            let escalated = one.expect("maintain").0 + other.expect("maintain").0;
            assert_eq!(escalated, 1);
            resolve(&engines[1], made.id).await;
            assert_eq!(
                engines[1]
                    .feedback(made.id, 5, "ok".into(), 9000)
                    .await
                    .expect("rate"),
                FeedbackOutcome::Saved
            );
            let id = made.id.to_string();
            assert_eq!(
                queued(&engines[0]).await,
                [
                    ("webhook".to_string(), "ticket.created".to_string()),
                    ("escalation_email".to_string(), id),
                    ("webhook".to_string(), "ticket.updated".to_string()),
                    ("webhook".to_string(), "feedback.created".to_string()),
                ]
            );
        });
    }
}
