//! The single writer: one thread stores every new article, many per transaction (group
//! commit), and on the way lets `dedup` decide each article's story, keeping the near-copy
//! index of the window (rebuilt from the stored signatures when it starts; its entries in an
//! unnamed file beside the database, its directory and newest entries in memory).
//!
//! Polls hand it an [`Ingest`] (the article, its fingerprint and its alerts, all computed on
//! worker threads) and wait for the [`StoreOutcome`]. The writer takes what has queued up and
//! what arrives within [`GATHER`] of the first (at most [`MAX_BATCH`] articles), runs each in
//! its own savepoint and commits once; replies go
//! out only after the commit, so an article a poll counts as stored is durable, and a crash
//! before the commit loses the whole batch cleanly — those items are simply new again at the
//! next poll, as the feed's validators were not saved either.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::oneshot;

use crate::dedup::{
    BandIndex, Fingerprint, IndexError, MAX_CANDIDATES, Pending, RebuildError, StoryRule, WINDOW,
    band_keys,
};
use crate::poll::{Stages, thread_cpu};
use crate::store::{Batch, NewAlert, NewArticle, SharedStore, Store, StoreError, StoreOutcome};

/// Articles per transaction at most: enough to write the WAL once for a burst of polls, few
/// enough that readers never wait long for the write lock.
pub const MAX_BATCH: usize = 64;

/// How long the writer waits, after the first article of a transaction, for more to share its
/// commit. Polls hand in articles one by one as their pages are analysed, so without a wait a
/// commit holds one or two; each commit writes the WAL and a full-text segment, whatever it
/// holds. A poll's answer comes this much later at most.
const GATHER: Duration = Duration::from_millis(20);

/// How often the writer looks up where the near-copy window starts (it moves by the clock).
const FLOOR_EVERY: Duration = Duration::from_secs(60);

/// How long the writer waits after a failed merge of the near-copy index before the next
/// try, doubled at each failure in a row up to [`MERGE_RETRY_MAX`]: a merge rewrites the
/// index's file, so retrying it after every commit (as before) repeated that work for as long
/// as the disk stayed full.
const MERGE_RETRY_FIRST: Duration = Duration::from_secs(1);

/// The longest wait between two tries of a failing merge.
const MERGE_RETRY_MAX: Duration = Duration::from_secs(300);

/// A new article ready to store: computed off the writer, so the writer only looks up and
/// writes.
pub struct Ingest {
    /// The article.
    pub article: NewArticle,
    /// Its body taken apart (paragraphs, hashes, signature).
    pub fingerprint: Fingerprint,
    /// The rules it matched.
    pub alerts: Vec<NewAlert>,
    /// When to re-fetch the page for edits or removal; `None` never.
    pub next_check_at: Option<DateTime<Utc>>,
}

struct Job {
    ingest: Ingest,
    reply: oneshot::Sender<Reply>,
}

/// What the writer hands back for a job: the outcome, and the ingest itself, so that its
/// memory (the body, and the fingerprint's many small buffers) is freed by the poll that
/// made it rather than by the writer (3.7 % of the writer's CPU on the farm).
struct Reply {
    outcome: Result<StoreOutcome, StoreError>,
    ingest: Ingest,
}

/// A handle to the writer thread; the thread ends when the last handle is dropped.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread over `store`; each new alert gets one delivery per sink.
    pub fn spawn(
        store: SharedStore,
        sinks: Arc<Vec<String>>,
        stages: Arc<Stages>,
    ) -> std::io::Result<Writer> {
        Writer::gathering(store, sinks, stages, GATHER)
    }

    /// [`Writer::spawn`], waiting `gather` after a transaction's first article for more.
    fn gathering(
        store: SharedStore,
        sinks: Arc<Vec<String>>,
        stages: Arc<Stages>,
        gather: Duration,
    ) -> std::io::Result<Writer> {
        let (jobs, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("newswatch-writer".into())
            .spawn(move || run(queue, gather, &store, &sinks, &stages))?;
        Ok(Writer { jobs })
    }

    /// Queues `ingest` for the writer at once (articles are written in the order they are
    /// submitted) and returns what happened once it is committed, when awaited.
    pub fn submit(
        &self,
        ingest: Ingest,
    ) -> impl Future<Output = Result<StoreOutcome, StoreError>> + Send + use<> {
        let (reply, answer) = oneshot::channel();
        let sent = self.jobs.send(Job { ingest, reply }).is_ok();
        async move {
            if !sent {
                return Err(stopped());
            }
            let Reply { outcome, ingest } = answer.await.map_err(|_| stopped())?;
            drop(ingest);
            outcome
        }
    }
}

fn stopped() -> StoreError {
    StoreError::Task("the writer has stopped".into())
}

/// What the writer keeps between batches: the story rule and the near-copy index of the
/// window's articles.
pub struct NearCopies {
    rule: StoryRule,
    index: BandIndex,
    /// When the window's first article was last looked up.
    floor_checked: Option<Instant>,
    /// Failed merges in a row, and when to try again.
    merge_retry: MergeRetry,
}

/// The back-off of a failing merge of the near-copy index: while merges fail, the recent
/// entries stay in memory (lookups stay exact) and the next try waits longer each time.
#[derive(Debug, Default)]
struct MergeRetry {
    /// Merges that failed since the last one that succeeded.
    failures: u32,
    /// No merge is tried before this.
    not_before: Option<Instant>,
}

impl MergeRetry {
    /// Whether a merge may be tried at `now`.
    fn ready(&self, now: Instant) -> bool {
        self.not_before.is_none_or(|at| now >= at)
    }

    /// Records a failed merge at `now`; true for the first failure of a streak (the one to
    /// log).
    fn failed(&mut self, now: Instant) -> bool {
        let wait = MERGE_RETRY_FIRST
            .saturating_mul(1 << self.failures.min(16))
            .min(MERGE_RETRY_MAX);
        self.failures += 1;
        self.not_before = Some(now + wait);
        self.failures == 1
    }

    /// Records a merge that succeeded; returns how many had failed before it.
    fn succeeded(&mut self) -> u32 {
        std::mem::take(self).failures
    }
}

impl NearCopies {
    /// The index of the window's articles, rebuilt from their stored signatures.
    pub fn load(store: &Store, rule: StoryRule) -> Result<NearCopies, StoreError> {
        let first = store.window_start(Utc::now() - WINDOW)?;
        let index = BandIndex::rebuild(&store.folder(), first, |visit| {
            store.each_signature(first, |id, minhash| visit(id, &band_keys(minhash)))
        })
        .map_err(|err| match err {
            RebuildError::Scan(err) => err,
            RebuildError::Index(err) => index_error(err),
        })?;
        Ok(NearCopies {
            rule,
            index,
            floor_checked: Some(Instant::now()),
            merge_retry: MergeRetry::default(),
        })
    }

    /// An empty index, its file to be made in `folder` (a new database, or one whose index
    /// could not be read).
    pub fn empty(rule: StoryRule, folder: &Path) -> NearCopies {
        NearCopies {
            rule,
            index: BandIndex::new(folder),
            floor_checked: None,
            merge_retry: MergeRetry::default(),
        }
    }

    /// (band key, article) pairs held.
    pub fn entries(&self) -> usize {
        self.index.len()
    }

    /// Bytes the index holds in memory.
    pub fn bytes(&self) -> usize {
        self.index.bytes()
    }

    /// Bytes of the index's file.
    pub fn file_bytes(&self) -> usize {
        self.index.file_bytes()
    }
}

/// A failure of the near-copy index's file, as the writer reports it.
fn index_error(err: IndexError) -> StoreError {
    StoreError::NearCopyIndex(Box::new(err))
}

fn run(
    queue: mpsc::Receiver<Job>,
    gather: Duration,
    store: &SharedStore,
    sinks: &[String],
    stages: &Stages,
) {
    let started = Instant::now();
    let (loaded, folder) =
        store.blocking(|s| (NearCopies::load(s, StoryRule::default()), s.folder()));
    let mut near = loaded.unwrap_or_else(|err| {
        tracing::error!(error = %err, "cannot rebuild the near-copy index; copies of stories \
            stored before this start will start new stories until a restart rebuilds it: fix \
            what the error names (the database, or the index's file in its folder) and restart");
        NearCopies::empty(StoryRule::default(), &folder)
    });
    tracing::info!(
        entries = near.entries(),
        bytes = near.bytes(),
        file_bytes = near.file_bytes(),
        took_ms = started.elapsed().as_millis() as u64,
        "near-copy index rebuilt"
    );
    while let Ok(first) = queue.recv() {
        let until = Instant::now() + gather;
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            let wait = until.saturating_duration_since(Instant::now());
            match queue.recv_timeout(wait) {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let ingests: Vec<&Ingest> = jobs.iter().map(|j| &j.ingest).collect();
        let outcomes = store.blocking(|s| write_batch(s, &mut near, sinks, &ingests, stages));
        let outcomes = outcomes.unwrap_or_else(|err| {
            tracing::error!(error = %err, articles = jobs.len(), "cannot commit articles");
            let failed = || {
                Err(StoreError::Task(format!(
                    "the batch holding this article was not committed: {err}"
                )))
            };
            jobs.iter().map(|_| failed()).collect()
        });
        for (job, outcome) in jobs.into_iter().zip(outcomes) {
            // A poll that stopped waiting leaves its ingest to be freed here.
            let _ = job.reply.send(Reply {
                outcome,
                ingest: job.ingest,
            });
        }
    }
}

/// Writes `ingests` in one transaction; each gets its own outcome, the commit is shared. The
/// stored articles join the near-copy index once committed.
pub fn write_batch(
    store: &mut Store,
    near: &mut NearCopies,
    sinks: &[String],
    ingests: &[&Ingest],
    stages: &Stages,
) -> Result<Vec<Result<StoreOutcome, StoreError>>, StoreError> {
    if near
        .floor_checked
        .is_none_or(|at| at.elapsed() >= FLOOR_EVERY)
    {
        near.index
            .set_floor(store.window_start(Utc::now() - WINDOW)?);
        near.floor_checked = Some(Instant::now());
    }
    let mut batch = store.batch()?;
    // Articles stored in this transaction, with their band keys: searched like the index.
    let mut pending = Pending::default();
    let outcomes = ingests
        .iter()
        .map(|ingest| {
            let stored = batch.article(|b| write_one(b, near, &pending, sinks, ingest, stages));
            stored.map(
                |Written {
                     outcome,
                     bands,
                     decided,
                 }| {
                    // The insert and the end of the article's savepoint.
                    if let Some(decided) = decided {
                        stages.store.add(thread_cpu().saturating_sub(decided));
                    }
                    if let (StoreOutcome::Stored { article_id, .. }, Some(bands)) =
                        (&outcome, bands)
                        && let Err(err) = pending.add(*article_id, &bands)
                    {
                        tracing::warn!(error = %err, "article left out of the near-copy index");
                    }
                    outcome
                },
            )
        })
        .collect();
    let started = thread_cpu();
    batch.commit()?;
    near.index.absorb(pending);
    merge_when_due(near);
    let spent = thread_cpu().saturating_sub(started);
    stages.store.add_time(spent);
    stages.commit.add(spent);
    Ok(outcomes)
}

/// Merges the index's recent entries into its file when they are due and no failed merge is
/// waiting out its back-off. The batch is committed whatever happens here: a failed merge
/// keeps the recent entries in memory (lookups stay exact). One line is logged when merges
/// start failing and one when they work again.
fn merge_when_due(near: &mut NearCopies) {
    let now = Instant::now();
    if !near.index.merge_due() || !near.merge_retry.ready(now) {
        return;
    }
    match near.index.merge() {
        Ok(()) => {
            let failures = near.merge_retry.succeeded();
            if failures > 0 {
                tracing::info!(failures, "the near-copy index's new entries merged again");
            }
        }
        Err(err) => {
            if near.merge_retry.failed(now) {
                tracing::error!(error = %err, "cannot merge the near-copy index's new entries; \
                    they stay in memory and the merge is tried again, less and less often \
                    (at most every 5 minutes), until it works");
            }
        }
    }
}

/// What [`write_one`] did with an article.
struct Written {
    outcome: StoreOutcome,
    /// The band keys of a stored article's signature, for the index.
    bands: Option<Vec<i64>>,
    /// For an inserted article, the thread's CPU clock when its story was decided: the rest,
    /// up to the end of its savepoint, is the store's.
    decided: Option<Duration>,
}

/// One article: identity, story decision, insert.
fn write_one(
    batch: &Batch,
    near: &NearCopies,
    pending: &Pending,
    sinks: &[String],
    ingest: &Ingest,
    stages: &Stages,
) -> Result<Written, StoreError> {
    let Ingest {
        article,
        fingerprint,
        alerts,
        next_check_at,
    } = ingest;
    let started = thread_cpu();
    let untouched = |outcome| Written {
        outcome,
        bands: None,
        decided: None,
    };
    if batch.item_seen(article)? {
        return Ok(untouched(StoreOutcome::AlreadySeen));
    }
    if let Some(id) = batch.existing(article, fingerprint.url_key(), fingerprint.body_hash())? {
        return Ok(untouched(batch.link(article, id)?));
    }
    let common = batch.common_paragraphs(&fingerprint.paragraph_hashes())?;
    let keys = crate::store::ArticleKeys {
        next_check_at: *next_check_at,
        ..fingerprint.keys(&common)
    };
    let candidates = match &keys.signature {
        Some(signature) => {
            let ids = near
                .index
                .candidates(&signature.bands, pending, MAX_CANDIDATES)
                .map_err(index_error)?;
            batch.candidates(&ids)?
        }
        None => Vec::new(),
    };
    let story = near.rule.pick(&keys, &candidates);
    let decided = thread_cpu();
    stages.dedup.add_time(decided.saturating_sub(started));
    let outcome = batch.insert(article, &keys, story, alerts, sinks)?;
    Ok(Written {
        outcome,
        bands: keys.signature.map(|s| s.bands),
        decided: Some(decided),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Специализированный административный суд Алматы арестовал на десять суток \
        трёх участников мирного митинга у памятника Абаю, сообщили их адвокаты. Активистов \
        задержали утром 12 января, когда они вышли с плакатами и требованием пересмотреть закон \
        о мирных собраниях.";

    fn ingest(source_id: i64, guid: &str, body: &str) -> Ingest {
        let url = format!("https://x.kz/{guid}");
        let article = crate::store::test_article(source_id, guid, &url, body);
        Ingest {
            fingerprint: Fingerprint::of(&url, body),
            article,
            alerts: vec![NewAlert {
                rule_name: "rally".into(),
                matched_terms: vec!["митинг".into()],
                snippet: "**митинг**".into(),
            }],
            next_check_at: None,
        }
    }

    #[test]
    fn a_failing_article_is_rolled_back_alone_and_copies_in_one_batch_join_one_story() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let src = store.sync_sources([("a", "http://a/")]).unwrap()[0].id;
        let copy = format!("{BODY} Подписывайтесь на наш канал.");
        let batch = [
            ingest(src, "1", BODY),
            ingest(src + 100, "2", "no such source: the foreign key fails"),
            ingest(src, "3", &copy),
            ingest(src, "1", BODY),
        ];
        let refs: Vec<&Ingest> = batch.iter().collect();
        let sinks = ["log".to_string()];
        let stages = Stages::default();
        let mut near = NearCopies::empty(StoryRule::default(), dir.path());
        let outcomes = write_batch(&mut store, &mut near, &sinks, &refs, &stages).unwrap();
        let Ok(StoreOutcome::Stored { story_id, .. }) = outcomes[0] else {
            panic!("{:?}", outcomes[0])
        };
        assert!(outcomes[1].is_err(), "{:?}", outcomes[1]);
        assert!(matches!(
            outcomes[2],
            Ok(StoreOutcome::Stored { joined: true, alerts: 0, story_id: s, .. }) if s == story_id
        ));
        assert!(matches!(outcomes[3], Ok(StoreOutcome::AlreadySeen)));
        let view = store.story(story_id).unwrap().unwrap();
        assert_eq!(view.articles.len(), 2);
        assert_eq!(view.alerts.len(), 1);
        assert_eq!(stages.store.runs(), 2);
    }

    #[test]
    fn the_near_copy_index_is_rebuilt_from_stored_signatures() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let src = store.sync_sources([("a", "http://a/")]).unwrap()[0].id;
        let (rule, stages) = (StoryRule::default(), Stages::default());
        let mut before = NearCopies::empty(rule, dir.path());
        let first = ingest(src, "1", BODY);
        let stored = write_batch(&mut store, &mut before, &[], &[&first], &stages).unwrap();
        let Ok(StoreOutcome::Stored { story_id, .. }) = stored[0] else {
            panic!("{:?}", stored[0])
        };
        let mut after = NearCopies::load(&store, rule).unwrap();
        assert_eq!(after.entries(), before.entries());
        let copy = ingest(src, "2", &format!("{BODY} Подписывайтесь на наш канал."));
        let joined = write_batch(&mut store, &mut after, &[], &[&copy], &stages).unwrap();
        assert!(matches!(
            joined[0],
            Ok(StoreOutcome::Stored { joined: true, story_id: s, .. }) if s == story_id
        ));
        assert!(NearCopies::empty(rule, dir.path()).entries() < after.entries());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_article_is_answered_only_once_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.db");
        let mut store = Store::open(&path).unwrap();
        let src = store.sync_sources([("a", "http://a/")]).unwrap()[0].id;
        let writer = Writer::spawn(
            SharedStore::new(store),
            Arc::new(Vec::new()),
            Arc::new(Stages::default()),
        )
        .unwrap();
        let outcome = writer.submit(ingest(src, "1", BODY)).await.unwrap();
        assert!(matches!(outcome, StoreOutcome::Stored { .. }));
        let reader = rusqlite::Connection::open(&path).unwrap();
        let stored: i64 = reader
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn articles_handed_in_one_by_one_within_the_gather_window_share_one_commit() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let src = store.sync_sources([("a", "http://a/")]).unwrap()[0].id;
        let stages = Arc::new(Stages::default());
        let writer = Writer::gathering(
            SharedStore::new(store),
            Arc::new(Vec::new()),
            Arc::clone(&stages),
            Duration::from_secs(1),
        )
        .unwrap();
        let mut answers = Vec::new();
        for guid in ["1", "2", "3"] {
            answers.push(writer.submit(ingest(src, guid, &format!("{guid} {BODY}"))));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for answer in answers {
            assert!(matches!(answer.await, Ok(StoreOutcome::Stored { .. })));
        }
        assert_eq!(stages.commit.runs(), 1, "one transaction for the three");
    }

    #[test]
    fn a_failing_merge_waits_longer_at_each_failure_and_a_success_ends_the_streak() {
        let mut retry = MergeRetry::default();
        let start = Instant::now();
        assert!(retry.ready(start));
        assert!(
            retry.failed(start),
            "the first failure of a streak is logged"
        );
        assert!(!retry.ready(start));
        assert!(retry.ready(start + MERGE_RETRY_FIRST));
        assert!(!retry.failed(start), "later ones are not");
        assert!(!retry.ready(start + MERGE_RETRY_FIRST));
        assert!(retry.ready(start + 2 * MERGE_RETRY_FIRST));
        for _ in 0..40 {
            retry.failed(start);
        }
        assert!(!retry.ready(start + MERGE_RETRY_MAX - Duration::from_secs(1)));
        assert!(retry.ready(start + MERGE_RETRY_MAX));
        assert_eq!(retry.succeeded(), 42);
        assert!(retry.ready(start));
        assert!(retry.failed(start), "a new streak is logged again");
    }
}
