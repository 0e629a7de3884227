//! `--journal FILE`: one JSON line per accepted deletion (cloud, account, region, id, request or task id,
//! time), written and synced before the next call starts, and one when it is confirmed gone. A rerun with
//! the same file skips what is done, awaits what was accepted but not confirmed (it is never sent again),
//! and deletes nothing twice.

use super::target::Target;
use crate::failure::Failure;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// What a line records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The service accepted the deletion.
    Accepted,
    /// The resource is gone.
    Done,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub event: Event,
    pub cloud: String,
    pub account: String,
    pub region: String,
    /// `connection` or `gateway`.
    pub kind: String,
    pub id: String,
    pub action: String,
    /// The request id (for Tencent API 3.0 also the task id of DescribeVpcTaskResult).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Milliseconds since the epoch.
    pub time_ms: u64,
}

/// Where a resource stood when the journal was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known {
    /// Accepted and never confirmed gone: await it, do not send it again.
    InFlight {
        request_id: Option<String>,
    },
    Done,
}

type Key = (String, String, String, String);

/// The open journal (or none without `--journal`).
#[derive(Debug, Clone, Default)]
pub struct JournalFile {
    path: Option<PathBuf>,
    file: Option<Arc<Mutex<File>>>,
    known: Arc<HashMap<Key, Known>>,
    /// The first write that failed: once set, the sweep starts nothing new.
    failure: Arc<Mutex<Option<String>>>,
}

fn key(target: &Target, id: &str) -> Key {
    (
        target.cloud_name().to_owned(),
        target.account.clone(),
        target.region.clone(),
        id.to_owned(),
    )
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// How the file ends, and so what must happen before the first append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tail {
    /// Empty, or the last line has its newline.
    Ended,
    /// The last line is a whole entry without its newline: write one.
    Unended,
    /// The last line, starting at this offset, is torn: cut it off.
    Torn(u64),
}

/// What a journal's bytes say, and where its torn last line starts if it has one (a line cut short by a
/// crash while it was written: what it said did not happen as far as the journal knows). Only the last
/// line, the one without a closing newline, may be torn; anything else that is not an entry is an error
/// naming the file and the line.
fn read_entries(bytes: &[u8], shown: &str) -> Result<(HashMap<Key, Known>, Tail), Failure> {
    let mut known = HashMap::new();
    let mut offset = 0usize;
    let mut tail = Tail::Ended;
    for (n, raw) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let ended = raw.ends_with(b"\n");
        let line = raw.strip_suffix(b"\n").unwrap_or(raw);
        if line.iter().all(u8::is_ascii_whitespace) {
            if !ended {
                // Trailing blanks without a newline: cut them too, so the next record starts a line.
                tail = Tail::Torn(start as u64);
            }
            continue;
        }
        let entry: Entry = match serde_json::from_slice(line) {
            Ok(e) => e,
            Err(_) if !ended => {
                tail = Tail::Torn(start as u64);
                continue;
            }
            Err(e) => {
                return Err(Failure::usage(format!(
                    "--journal {shown} line {}: {e}; it is not a sweep journal (give a new file, or the one a sweep wrote)",
                    n + 1
                )));
            }
        };
        if !ended {
            // A whole entry that lost only its newline: keep it, and end it before appending.
            tail = Tail::Unended;
        }
        let k = (entry.cloud, entry.account, entry.region, entry.id);
        let state = match entry.event {
            Event::Done => Known::Done,
            Event::Accepted => Known::InFlight {
                request_id: entry.request_id,
            },
        };
        // Done stays done whatever follows.
        if known.get(&k) != Some(&Known::Done) {
            known.insert(k, state);
        }
    }
    Ok((known, tail))
}

impl JournalFile {
    /// Reads what `path` holds (a missing file is an empty journal) and opens it for appending.
    pub fn open(path: Option<&Path>) -> Result<Self, Failure> {
        let Some(path) = path else {
            return Ok(JournalFile::default());
        };
        let shown = path.display();
        let (known, tail) = match std::fs::read(path) {
            Ok(bytes) => read_entries(&bytes, &shown.to_string())?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (HashMap::new(), Tail::Ended),
            Err(e) => {
                return Err(Failure::usage(format!(
                    "cannot read --journal {shown}: {e}"
                )));
            }
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Failure::usage(format!("cannot write --journal {shown}: {e}")))?;
        // The last line is ended before anything is appended: left as it is, the next record would be glued
        // to it. A torn one is cut off rather than ended, since ended it would be garbage in the middle of
        // the file, which the next rerun must refuse.
        let repaired = match tail {
            Tail::Ended => Ok(()),
            Tail::Unended => file.write_all(b"\n").and_then(|()| file.sync_data()),
            Tail::Torn(len) => file.set_len(len).and_then(|()| file.sync_data()),
        };
        repaired.map_err(|e| Failure::usage(format!("cannot write --journal {shown}: {e}")))?;
        Ok(JournalFile {
            path: Some(path.to_owned()),
            file: Some(Arc::new(Mutex::new(file))),
            known: Arc::new(known),
            failure: Arc::default(),
        })
    }

    /// What the journal said about this resource when it was opened.
    pub fn known(&self, target: &Target, id: &str) -> Option<&Known> {
        self.known.get(&key(target, id))
    }

    /// Appends one line and syncs it to disk; an error stops the sweep (a journal that cannot be written
    /// cannot keep its promise).
    pub fn append(
        &self,
        event: Event,
        target: &Target,
        kind: &str,
        id: &str,
        action: &str,
        request_id: Option<&str>,
    ) -> Result<(), Failure> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let entry = Entry {
            event,
            cloud: target.cloud_name().to_owned(),
            account: target.account.clone(),
            region: target.region.clone(),
            kind: kind.to_owned(),
            id: id.to_owned(),
            action: action.to_owned(),
            request_id: request_id.map(str::to_owned),
            time_ms: now_ms(),
        };
        let mut line = serde_json::to_vec(&entry).unwrap_or_default();
        line.push(b'\n');
        let mut f = file.lock().unwrap_or_else(|p| p.into_inner());
        f.write_all(&line).and_then(|()| f.sync_data()).map_err(|e| {
            let message = format!(
                "cannot write --journal {}: {e} (recording that {action} {id} was {}); the sweep stopped \
                 starting new work so that nothing is deleted without a record",
                self.path
                    .as_deref()
                    .map(Path::display)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                match event {
                    Event::Accepted => "accepted",
                    Event::Done => "done",
                }
            );
            self.failure
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get_or_insert_with(|| message.clone());
            Failure {
                kind: crate::failure::Kind::SomeFailed,
                message,
            }
        })
    }

    /// The first journal write that failed, if one did: the sweep must stop starting new work.
    pub fn failure(&self) -> Option<String> {
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::settings::Settings;

    fn target() -> Target {
        let m = crate::cli::command()
            .try_get_matches_from(["cloudvpn", "demo"])
            .unwrap();
        Target {
            cloud: cloudvpn_types::meta::Provider::Alibaba,
            account: "default".into(),
            region: "cn-hangzhou".into(),
            settings: Settings::from_matches(&m).unwrap(),
        }
    }

    #[test]
    fn a_rerun_knows_what_is_done_and_what_is_in_flight() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let t = target();
        let j = JournalFile::open(Some(&path)).unwrap();
        j.append(
            Event::Accepted,
            &t,
            "connection",
            "vco-1",
            "DeleteVpnConnection",
            Some("r-1"),
        )
        .unwrap();
        j.append(
            Event::Done,
            &t,
            "connection",
            "vco-1",
            "DeleteVpnConnection",
            None,
        )
        .unwrap();
        j.append(
            Event::Accepted,
            &t,
            "gateway",
            "vpn-1",
            "DeleteVpnGateway",
            Some("r-2"),
        )
        .unwrap();
        // A torn last line (a crash mid-write) is ignored.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"event\":\"acc")
            .unwrap();
        let again = JournalFile::open(Some(&path)).unwrap();
        assert_eq!(again.known(&t, "vco-1"), Some(&Known::Done));
        assert_eq!(
            again.known(&t, "vpn-1"),
            Some(&Known::InFlight {
                request_id: Some("r-2".into())
            })
        );
        assert_eq!(again.known(&t, "vpn-2"), None);
    }

    /// A journal whose writes fail the way a full disk's do.
    pub(crate) fn failing_journal(shown: &Path) -> JournalFile {
        JournalFile {
            path: Some(shown.to_owned()),
            file: Some(Arc::new(Mutex::new(
                OpenOptions::new().write(true).open("/dev/full").unwrap(),
            ))),
            ..JournalFile::default()
        }
    }

    #[test]
    fn a_failed_write_is_an_error_naming_the_file_and_is_remembered() {
        let path = Path::new("sweep.journal");
        let j = failing_journal(path);
        assert_eq!(j.failure(), None);
        let e = j
            .append(
                Event::Accepted,
                &target(),
                "gateway",
                "vpn-1",
                "DeleteVpnGateway",
                None,
            )
            .unwrap_err();
        assert_eq!(e.kind, crate::failure::Kind::SomeFailed);
        assert!(
            e.message.contains("--journal sweep.journal"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("DeleteVpnGateway vpn-1 was accepted"),
            "{}",
            e.message
        );
        // Every clone (each task has one) sees it.
        assert_eq!(j.clone().failure(), Some(e.message));
    }

    #[test]
    fn a_file_that_is_not_a_journal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        std::fs::write(&path, "{\"hello\": 1}\n").unwrap();
        let e = JournalFile::open(Some(&path)).unwrap_err();
        assert!(e.message.contains("not a sweep journal"), "{}", e.message);
    }

    #[test]
    fn a_torn_last_line_is_cut_so_the_next_rerun_reads_every_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let t = target();
        let j = JournalFile::open(Some(&path)).unwrap();
        j.append(
            Event::Done,
            &t,
            "connection",
            "vco-1",
            "DeleteVpnConnection",
            None,
        )
        .unwrap();
        drop(j);
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"event\":\"acc")
            .unwrap();
        // The rerun appends after the torn line ...
        let rerun = JournalFile::open(Some(&path)).unwrap();
        rerun
            .append(
                Event::Accepted,
                &t,
                "gateway",
                "vpn-1",
                "DeleteVpnGateway",
                Some("r-2"),
            )
            .unwrap();
        drop(rerun);
        // ... and the one after it reads both records.
        let again = JournalFile::open(Some(&path)).unwrap();
        assert_eq!(again.known(&t, "vco-1"), Some(&Known::Done));
        assert_eq!(
            again.known(&t, "vpn-1"),
            Some(&Known::InFlight {
                request_id: Some("r-2".into())
            })
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
    }

    #[test]
    fn a_whole_last_line_without_its_newline_is_kept_and_ended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let t = target();
        JournalFile::open(Some(&path))
            .unwrap()
            .append(
                Event::Done,
                &t,
                "connection",
                "vco-1",
                "DeleteVpnConnection",
                None,
            )
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.trim_end()).unwrap();
        JournalFile::open(Some(&path))
            .unwrap()
            .append(
                Event::Done,
                &t,
                "gateway",
                "vpn-1",
                "DeleteVpnGateway",
                None,
            )
            .unwrap();
        let again = JournalFile::open(Some(&path)).unwrap();
        assert_eq!(again.known(&t, "vco-1"), Some(&Known::Done));
        assert_eq!(again.known(&t, "vpn-1"), Some(&Known::Done));
    }

    #[test]
    fn garbage_before_the_last_line_is_an_error_naming_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let t = target();
        JournalFile::open(Some(&path))
            .unwrap()
            .append(
                Event::Done,
                &t,
                "connection",
                "vco-1",
                "DeleteVpnConnection",
                None,
            )
            .unwrap();
        let record = std::fs::read_to_string(&path).unwrap();
        let text = format!("{record}{{\"event\":\"acc\n{record}");
        std::fs::write(&path, &text).unwrap();
        let e = JournalFile::open(Some(&path)).unwrap_err();
        assert!(e.message.contains("line 2"), "{}", e.message);
        assert!(
            e.message.contains(&path.display().to_string()),
            "{}",
            e.message
        );
    }
}
