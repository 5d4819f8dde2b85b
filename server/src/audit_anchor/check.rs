//! `visadesk audit verify`: the hash chain, checked against checkpoints.

use super::record::{self, Checkpoint, FileProblem};
use super::AnchorKeys;
use crate::db::DbConnection;
use crate::error::ServerError;
use crate::store::audit::{self, Verdict};
use std::path::PathBuf;

/// Everything `audit verify` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The chain walked from its first row.
    pub chain: Verdict,
    /// The newest row, if any.
    pub head: Option<i64>,
    /// Each checkpoint file asked for, and what it says of the trail.
    pub anchors: Vec<(PathBuf, Result<Against, FileProblem>)>,
}

/// How the trail compares with one checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Against {
    /// The checkpoint's row is there with the hash it recorded.
    Matches(Checkpoint),
    /// The trail ends before the checkpoint's row: rows after `last` (or
    /// every row, when `None`) up to the checkpoint's were cut off.
    CutShort {
        checkpoint: Checkpoint,
        last: Option<i64>,
    },
    /// The checkpoint's row is there with another hash: the trail up to it
    /// was rewritten (and re-chained).
    Rewritten(Checkpoint),
    /// The checkpoint's row is gone though later rows remain.
    RowMissing(Checkpoint),
}

impl Report {
    /// True when the chain is intact and every checkpoint matches it. A
    /// missing checkpoint file is a failure once the trail has rows.
    pub fn intact(&self) -> bool {
        matches!(self.chain, Verdict::Intact { .. })
            && self.anchors.iter().all(|(_, a)| match a {
                Ok(Against::Matches(_)) => true,
                Err(FileProblem::Missing(_)) => self.head.is_none(),
                _ => false,
            })
    }

    /// What to print, one finding per line.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.chain {
            Verdict::Intact { rows: 0 } => out.push("audit trail empty: no rows yet".into()),
            Verdict::Intact { rows } => out.push(format!(
                "audit trail intact: {rows} rows, every hash matches"
            )),
            Verdict::Changed { seq } => out.push(format!(
                "audit trail broken: row {seq} was changed (its hash no longer matches)"
            )),
            Verdict::Removed { expected, found } => out.push(format!(
                "audit trail broken: row {expected} is missing (removed); the next row is {found}"
            )),
        }
        for (path, anchor) in &self.anchors {
            let path = path.display();
            out.push(match anchor {
                Ok(Against::Matches(c)) => format!(
                    "checkpoint {path}: row {} matches ({})",
                    c.seq,
                    taken(c)
                ),
                Ok(Against::CutShort { checkpoint: c, last }) => {
                    let first = last.map_or(1, |l| l + 1);
                    let rows = if first == c.seq {
                        format!("row {first} is missing")
                    } else {
                        format!("rows {first} to {} are missing", c.seq)
                    };
                    let ends = match last {
                        Some(l) => format!("the trail now ends at row {l}"),
                        None => "the trail is now empty".into(),
                    };
                    format!(
                        "audit trail cut short: {rows}; the checkpoint {path} ({}) saw row {}, {ends}",
                        taken(c),
                        c.seq
                    )
                }
                Ok(Against::Rewritten(c)) => format!(
                    "audit trail rewritten: row {} no longer has the hash recorded in the checkpoint {path} ({}); rows up to {} were changed and chained again",
                    c.seq,
                    taken(c),
                    c.seq
                ),
                Ok(Against::RowMissing(c)) => format!(
                    "audit trail broken: row {}, which the checkpoint {path} ({}) saw, is missing",
                    c.seq,
                    taken(c)
                ),
                Err(FileProblem::Missing(_)) if self.head.is_none() => {
                    format!("no checkpoint at {path} yet (the trail is empty)")
                }
                Err(problem @ FileProblem::Missing(_)) => format!(
                    "{problem}: the end of the trail cannot be checked (the server writes it at start, while it runs and on shutdown; `visadesk audit checkpoint` writes one now)"
                ),
                Err(problem) => format!("{problem}"),
            });
        }
        out
    }
}

fn taken(c: &Checkpoint) -> String {
    let when = jiff::Timestamp::from_second(c.at)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|_| format!("at {}", c.at));
    format!("taken {when} by {}", c.instance)
}

/// Walks the chain, then compares it with the checkpoint in each file.
pub fn verify(
    conn: &mut DbConnection,
    keys: &AnchorKeys,
    files: &[PathBuf],
) -> Result<Report, ServerError> {
    let chain = audit::verify(conn)?;
    let head = audit::head(conn)?.map(|(seq, _)| seq);
    let mut anchors = Vec::new();
    for path in files {
        let against = match record::read(path, keys) {
            Ok(c) => Ok(compare(conn, c, head)?),
            Err(problem) => Err(problem),
        };
        anchors.push((path.clone(), against));
    }
    Ok(Report {
        chain,
        head,
        anchors,
    })
}

fn compare(
    conn: &mut DbConnection,
    c: Checkpoint,
    head: Option<i64>,
) -> Result<Against, ServerError> {
    if head.is_none_or(|h| h < c.seq) {
        return Ok(Against::CutShort {
            checkpoint: c,
            last: head,
        });
    }
    Ok(match audit::hash_of(conn, c.seq)? {
        Some(hash) if hash == c.hash => Against::Matches(c),
        Some(_) => Against::Rewritten(c),
        None => Against::RowMissing(c),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit_anchor::key::generate;

    fn checkpoint(seq: i64) -> Checkpoint {
        let keys = AnchorKeys::of(generate().unwrap().0, Vec::new());
        Checkpoint::sign(&keys, seq, &"a".repeat(64), 1_796_600_000, "web1")
    }

    fn report(chain: Verdict, head: Option<i64>, against: Result<Against, FileProblem>) -> Report {
        Report {
            chain,
            head,
            anchors: vec![(PathBuf::from("/data/audit-checkpoint"), against)],
        }
    }

    #[test]
    fn a_cut_off_tail_names_the_missing_rows() {
        let r = report(
            Verdict::Intact { rows: 3 },
            Some(3),
            Ok(Against::CutShort {
                checkpoint: checkpoint(5),
                last: Some(3),
            }),
        );
        assert!(!r.intact());
        assert_eq!(
            r.lines()[1],
            "audit trail cut short: rows 4 to 5 are missing; the checkpoint /data/audit-checkpoint \
             (taken 2026-12-06 23:33:20 UTC by web1) saw row 5, the trail now ends at row 3"
        );
        let one = report(
            Verdict::Intact { rows: 0 },
            None,
            Ok(Against::CutShort {
                checkpoint: checkpoint(1),
                last: None,
            }),
        );
        assert!(
            one.lines()[1].contains("row 1 is missing"),
            "{:?}",
            one.lines()
        );
        assert!(one.lines()[1].contains("the trail is now empty"));
    }

    #[test]
    fn a_missing_file_fails_only_once_there_are_rows() {
        let missing = || {
            Err(FileProblem::Missing(PathBuf::from(
                "/data/audit-checkpoint",
            )))
        };
        assert!(report(Verdict::Intact { rows: 0 }, None, missing()).intact());
        let r = report(Verdict::Intact { rows: 2 }, Some(2), missing());
        assert!(!r.intact());
        assert!(
            r.lines()[1].contains("visadesk audit checkpoint"),
            "{:?}",
            r.lines()
        );
    }

    #[test]
    fn intact_needs_the_chain_and_every_checkpoint() {
        let ok = || Ok(Against::Matches(checkpoint(2)));
        assert!(report(Verdict::Intact { rows: 2 }, Some(2), ok()).intact());
        assert!(!report(Verdict::Changed { seq: 1 }, Some(2), ok()).intact());
        assert!(!report(
            Verdict::Intact { rows: 2 },
            Some(2),
            Ok(Against::Rewritten(checkpoint(2)))
        )
        .intact());
        assert!(!report(
            Verdict::Intact { rows: 2 },
            Some(2),
            Err(FileProblem::Forged(PathBuf::from("x")))
        )
        .intact());
    }
}
