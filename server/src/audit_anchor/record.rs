//! A checkpoint: the audit trail's newest row number and hash at a moment,
//! signed with the checkpoint key, kept as one line in a file outside the
//! database and replaced atomically each time.
//!
//! ```text
//! visadesk-audit-checkpoint v1 seq=42 hash=<64 hex> at=<unix> instance=<name> key=<id> mac=<64 hex>
//! ```

use super::key::{AnchorKey, AnchorKeys};
use std::path::{Path, PathBuf};

const MAGIC: &str = "visadesk-audit-checkpoint";
const VERSION: &str = "v1";

/// A signed statement that row `seq` of the trail had hash `hash` at `at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// Unix seconds when it was taken.
    pub at: i64,
    /// Which instance took it (host name and a per-process id).
    pub instance: String,
    pub key_id: String,
    pub mac: String,
}

/// Why a checkpoint file cannot be trusted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("there is no checkpoint file at {0}")]
    Missing(PathBuf),
    #[error("the checkpoint file {0} could not be read: {1}")]
    Unreadable(PathBuf, String),
    #[error("the checkpoint file {0} is cut off (truncated): it does not hold a whole checkpoint")]
    Truncated(PathBuf),
    #[error("{0} is not a Visadesk audit checkpoint: {1}")]
    Malformed(PathBuf, String),
    #[error(
        "the checkpoint in {0} was signed with key {1}, which is not configured \
         (VISADESK_AUDIT_KEY or VISADESK_AUDIT_OLD_KEYS)"
    )]
    UnknownKey(PathBuf, String),
    #[error("the checkpoint in {0} does not match its signature: it was forged or edited")]
    Forged(PathBuf),
}

impl Checkpoint {
    /// A checkpoint of row `seq` with `hash`, signed with the current key.
    pub fn sign(keys: &AnchorKeys, seq: i64, hash: &str, at: i64, instance: &str) -> Checkpoint {
        let key = keys.current();
        let instance = clean_instance(instance);
        let mac = key.sign(&message(seq, hash, at, &instance, key.id()));
        Checkpoint {
            seq,
            hash: hash.to_string(),
            at,
            instance,
            key_id: key.id().to_string(),
            mac,
        }
    }

    /// The checkpoint as its file holds it, ending in a newline.
    pub fn to_line(&self) -> String {
        format!(
            "{MAGIC} {VERSION} seq={} hash={} at={} instance={} key={} mac={}\n",
            self.seq, self.hash, self.at, self.instance, self.key_id, self.mac
        )
    }

    /// True when the signature matches, with `key`.
    fn signed_by(&self, key: &AnchorKey) -> bool {
        key.verify(
            &message(self.seq, &self.hash, self.at, &self.instance, &self.key_id),
            &self.mac,
        )
    }
}

/// What is signed: every field, length-prefixed so none can shift into another.
fn message(seq: i64, hash: &str, at: i64, instance: &str, key_id: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(160);
    m.extend_from_slice(MAGIC.as_bytes());
    m.extend_from_slice(VERSION.as_bytes());
    for field in [&seq.to_string(), hash, &at.to_string(), instance, key_id] {
        m.extend_from_slice(&(field.len() as u64).to_be_bytes());
        m.extend_from_slice(field.as_bytes());
    }
    m
}

/// An instance name safe inside the line: no spaces or control characters.
fn clean_instance(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic() && *c != '=')
        .take(100)
        .collect();
    if cleaned.is_empty() {
        "visadesk".into()
    } else {
        cleaned
    }
}

/// Reads, parses and checks the signature of the checkpoint in `path`.
pub fn read(path: &Path, keys: &AnchorKeys) -> Result<Checkpoint, FileProblem> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(FileProblem::Missing(path.to_path_buf()))
        }
        Err(e) => return Err(FileProblem::Unreadable(path.to_path_buf(), e.to_string())),
    };
    let checkpoint = parse(&text).map_err(|p| match p {
        Parse::Truncated => FileProblem::Truncated(path.to_path_buf()),
        Parse::Malformed(why) => FileProblem::Malformed(path.to_path_buf(), why),
    })?;
    let Some(key) = keys.by_id(&checkpoint.key_id) else {
        return Err(FileProblem::UnknownKey(
            path.to_path_buf(),
            checkpoint.key_id,
        ));
    };
    if !checkpoint.signed_by(key) {
        return Err(FileProblem::Forged(path.to_path_buf()));
    }
    Ok(checkpoint)
}

#[derive(Debug, PartialEq, Eq)]
enum Parse {
    Truncated,
    Malformed(String),
}

fn parse(bytes: &[u8]) -> Result<Checkpoint, Parse> {
    let full = MAGIC.len() + VERSION.len() + 2;
    if bytes.is_empty() {
        return Err(Parse::Truncated);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(Parse::Malformed("it is not text".into()));
    };
    let header = format!("{MAGIC} {VERSION} ");
    if !text.starts_with(&header) {
        // A prefix of the header is a cut-off file; anything else is not ours.
        return Err(if text.len() < full && header.starts_with(text) {
            Parse::Truncated
        } else {
            Parse::Malformed(format!("it does not start with \"{MAGIC} {VERSION}\""))
        });
    }
    let Some(line) = text.strip_suffix('\n') else {
        return Err(Parse::Truncated);
    };
    if line.contains('\n') {
        return Err(Parse::Malformed("it holds more than one line".into()));
    }
    let mut fields = std::collections::BTreeMap::new();
    for part in line[header.len()..].split(' ') {
        let Some((name, value)) = part.split_once('=') else {
            return Err(Parse::Malformed(format!("\"{part}\" is not name=value")));
        };
        if fields.insert(name, value).is_some() {
            return Err(Parse::Malformed(format!("{name} appears twice")));
        }
    }
    let mut take = |name: &str| -> Result<String, Parse> {
        fields
            .remove(name)
            .map(str::to_string)
            .ok_or_else(|| Parse::Malformed(format!("it has no {name}")))
    };
    let number = |name: &str, value: String| -> Result<i64, Parse> {
        value
            .parse::<i64>()
            .map_err(|_| Parse::Malformed(format!("{name} \"{value}\" is not a number")))
    };
    let seq = number("seq", take("seq")?)?;
    let hash = take("hash")?;
    let at = number("at", take("at")?)?;
    let instance = take("instance")?;
    let key_id = take("key")?;
    let mac = take("mac")?;
    if let Some(extra) = fields.keys().next() {
        return Err(Parse::Malformed(format!("unknown field {extra}")));
    }
    let is_hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_hex(&hash, 64) {
        return Err(Parse::Malformed("hash is not 64 hex digits".into()));
    }
    if !is_hex(&mac, 64) {
        return Err(Parse::Malformed("mac is not 64 hex digits".into()));
    }
    if seq < 1 {
        return Err(Parse::Malformed(format!("seq {seq} is not a row number")));
    }
    Ok(Checkpoint {
        seq,
        hash,
        at,
        instance,
        key_id,
        mac,
    })
}

/// Replaces the checkpoint in `path` with `checkpoint`: written to a file
/// beside it, flushed to disk, then renamed over it, so a reader sees the
/// old checkpoint or the new one and never half of either.
pub fn write(path: &Path, checkpoint: &Checkpoint) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "audit-checkpoint".into());
    let temp = dir.join(format!(
        ".{name}.{}.{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(checkpoint.to_line().as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        // The rename itself reaches the disk with its folder.
        std::fs::File::open(&dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit_anchor::key::generate;

    fn keys() -> AnchorKeys {
        AnchorKeys::of(generate().unwrap().0, Vec::new())
    }

    const HASH: &str = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";

    #[test]
    fn a_written_checkpoint_reads_back() {
        let keys = keys();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit-checkpoint");
        let c = Checkpoint::sign(&keys, 42, HASH, 1_800_000_000, "web 1\n");
        assert_eq!(c.instance, "web1");
        write(&path, &c).unwrap();
        assert_eq!(read(&path, &keys), Ok(c.clone()));
        // Replacing leaves one checkpoint and no temporary files.
        let newer = Checkpoint::sign(&keys, 43, HASH, 1_800_000_060, "web1");
        write(&path, &newer).unwrap();
        assert_eq!(read(&path, &keys), Ok(newer));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_cut_off_or_foreign_file_is_named() {
        let keys = keys();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cp");
        assert_eq!(read(&path, &keys), Err(FileProblem::Missing(path.clone())));
        let line = Checkpoint::sign(&keys, 7, HASH, 1, "a").to_line();
        for cut in [0, 10, line.len() / 2, line.len() - 1] {
            std::fs::write(&path, &line[..cut]).unwrap();
            assert_eq!(
                read(&path, &keys),
                Err(FileProblem::Truncated(path.clone())),
                "cut at {cut}"
            );
        }
        std::fs::write(&path, "hello\n").unwrap();
        assert!(matches!(
            read(&path, &keys),
            Err(FileProblem::Malformed(..))
        ));
        std::fs::write(&path, line.replace("seq=7", "seq=seven")).unwrap();
        assert!(
            matches!(read(&path, &keys), Err(FileProblem::Malformed(_, why)) if why.contains("seq"))
        );
        std::fs::write(&path, [0xff, 0xfe, b'\n']).unwrap();
        assert!(matches!(
            read(&path, &keys),
            Err(FileProblem::Malformed(..))
        ));
    }

    #[test]
    fn a_changed_field_or_another_key_is_caught() {
        let keys = keys();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cp");
        let c = Checkpoint::sign(&keys, 7, HASH, 1_800_000_000, "a");
        // Claiming a longer trail than was signed.
        std::fs::write(&path, c.to_line().replace("seq=7", "seq=9")).unwrap();
        assert_eq!(read(&path, &keys), Err(FileProblem::Forged(path.clone())));
        // Signed by someone else's key, with our id written in.
        let other = AnchorKeys::of(generate().unwrap().0, Vec::new());
        let mut forged = Checkpoint::sign(&other, 9, HASH, 1_800_000_000, "a");
        forged.key_id = keys.current().id().to_string();
        std::fs::write(&path, forged.to_line()).unwrap();
        assert_eq!(read(&path, &keys), Err(FileProblem::Forged(path.clone())));
        // Signed with a key that is not configured at all.
        let foreign = Checkpoint::sign(&other, 9, HASH, 1_800_000_000, "a");
        std::fs::write(&path, foreign.to_line()).unwrap();
        assert!(matches!(
            read(&path, &keys),
            Err(FileProblem::UnknownKey(..))
        ));
        // After a rotation, the old key still checks what it signed.
        let rotated = AnchorKeys::of(generate().unwrap().0, vec![keys.current().clone()]);
        std::fs::write(&path, c.to_line()).unwrap();
        assert_eq!(read(&path, &rotated), Ok(c));
    }
}
