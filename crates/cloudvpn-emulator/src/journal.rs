//! The state journal: `NAME.journal` beside the state file `NAME`, holding the changes made since the
//! state file was written, so that a change costs one small appended record instead of a rewrite of the
//! whole state.
//!
//! # Format
//!
//! A header — the line `cloudvpn-emulator-journal/1`, then the length (u64) and CRC-32 (u32) of the
//! state file it continues, then the CRC-32 of everything before it (all little-endian) — and then
//! records: a length (u32), the CRC-32 of the length's four bytes (so that a damaged length is told from
//! a record cut short), the CRC-32 of the payload (u32), and the payload, a JSON array of `Change`s. One record is one batch of changes made durable together (one write, one
//! `fdatasync`).
//!
//! # Crashes
//!
//! A record cut short by a crash (too short for its length, or failing its checksum while reaching the
//! end of the file, or a zero-filled tail) is the last one; it was never acknowledged, so it is dropped
//! with a note. A bad record followed by more data, a bad header, or a journal whose state file is
//! missing is damage: the emulator refuses to start, as for a bad state file, and touches nothing.
//!
//! Compaction writes the state file anew and then a new, empty journal that names it (each through a
//! temporary file, flushed and renamed). A crash between the two leaves the old journal, which names the
//! old state file: it is recognised as already included and ignored.

use crate::changes::{self, Change};
use crate::consistency;
use crate::model::World;
use crate::persistence::{self, StateFileError};
use crate::state_lock::{self, LockError, StateLock};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8] = b"cloudvpn-emulator-journal/1\n";
const HEADER_LEN: usize = MAGIC.len() + 8 + 4 + 4;
const RECORD_HEAD: usize = 12;
/// Longer records are damage, not data (a batch is far smaller).
const MAX_RECORD: u32 = 1 << 30;

/// The journal of the state file `state`.
pub fn path_for(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".journal");
    state.with_file_name(name)
}

/// Which state file a journal continues: its length and checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Follows {
    len: u64,
    crc: u32,
}

impl Follows {
    fn of(snapshot: &[u8]) -> Self {
        Follows {
            len: snapshot.len() as u64,
            crc: crc32fast::hash(snapshot),
        }
    }
}

fn header(follows: Follows) -> Vec<u8> {
    let mut h = Vec::with_capacity(HEADER_LEN);
    h.extend_from_slice(MAGIC);
    h.extend_from_slice(&follows.len.to_le_bytes());
    h.extend_from_slice(&follows.crc.to_le_bytes());
    let crc = crc32fast::hash(&h);
    h.extend_from_slice(&crc.to_le_bytes());
    h
}

fn read_header(bytes: &[u8]) -> Option<Follows> {
    let h = bytes.get(..HEADER_LEN)?;
    let (body, crc) = h.split_at(HEADER_LEN - 4);
    if !body.starts_with(MAGIC) || crc32fast::hash(body).to_le_bytes() != crc {
        return None;
    }
    let rest = &body[MAGIC.len()..];
    Some(Follows {
        len: u64::from_le_bytes(rest[..8].try_into().ok()?),
        crc: u32::from_le_bytes(rest[8..12].try_into().ok()?),
    })
}

/// One record holding `changes`.
pub fn encode_record<'a>(changes: impl IntoIterator<Item = &'a Change>) -> Vec<u8> {
    let mut out = vec![0; RECORD_HEAD];
    out.push(b'[');
    for (i, change) in changes.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Plain data with string keys: serialisation cannot fail, and a failure would show as a
        // record that does not parse, which the loader refuses loudly.
        let _ = serde_json::to_writer(&mut out, change);
    }
    out.push(b']');
    let len = u32::try_from(out.len() - RECORD_HEAD).unwrap_or(u32::MAX);
    out[..4].copy_from_slice(&len.to_le_bytes());
    let len_crc = crc32fast::hash(&out[..4]);
    out[4..8].copy_from_slice(&len_crc.to_le_bytes());
    let crc = crc32fast::hash(&out[RECORD_HEAD..]);
    out[8..12].copy_from_slice(&crc.to_le_bytes());
    out
}

/// What reading a journal's records found.
#[derive(Debug)]
pub struct Records {
    /// Each good record's changes, in order.
    pub batches: Vec<Vec<Change>>,
    /// The length of the good part (header and good records).
    pub good_len: u64,
    /// Why the tail after the good part was dropped, if there was one.
    pub torn: Option<String>,
}

/// Reads the records after the header; `Err` is damage (what and where).
fn read_records(bytes: &[u8]) -> Result<Records, String> {
    let mut at = HEADER_LEN;
    let mut batches = Vec::new();
    let torn = loop {
        let rest = &bytes[at..];
        if rest.is_empty() {
            break None;
        }
        let index = batches.len() + 1;
        if rest.len() < RECORD_HEAD {
            break Some(format!(
                "record {index} at byte {at} is cut short ({} of its {RECORD_HEAD} header bytes)",
                rest.len()
            ));
        }
        let word = |i: usize| u32::from_le_bytes([rest[i], rest[i + 1], rest[i + 2], rest[i + 3]]);
        let (len, len_crc, crc) = (word(0), word(4), word(8));
        if crc32fast::hash(&rest[..4]) != len_crc || len == 0 || len > MAX_RECORD {
            if rest.iter().all(|b| *b == 0) {
                break Some(format!(
                    "the {} bytes from byte {at} are zeros (space the crash left unwritten)",
                    rest.len()
                ));
            }
            return Err(format!("record {index} at byte {at} has a damaged length"));
        }
        let end = RECORD_HEAD + len as usize;
        if rest.len() < end {
            break Some(format!(
                "record {index} at byte {at} is cut short ({} of its {end} bytes)",
                rest.len()
            ));
        }
        let payload = &rest[RECORD_HEAD..end];
        if crc32fast::hash(payload) != crc {
            if rest.len() == end {
                break Some(format!(
                    "the last record ({index}, at byte {at}) fails its checksum"
                ));
            }
            return Err(format!(
                "record {index} at byte {at} fails its checksum and more records follow it"
            ));
        }
        let changes: Vec<Change> = serde_json::from_slice(payload).map_err(|e| {
            format!(
                "record {index} at byte {at} passes its checksum but is not a list of changes: {e}"
            )
        })?;
        batches.push(changes);
        at += end;
    };
    Ok(Records {
        batches,
        good_len: at as u64,
        torn,
    })
}

/// The state loaded at start, and the journal to continue.
#[derive(Debug)]
pub struct Opened {
    /// The state: the state file with the journal replayed onto it.
    pub world: World,
    /// The journal, ready for appending.
    pub journal: Journal,
    /// Notes for the log: temporary files removed, a torn record dropped, a stale journal ignored.
    pub notes: Vec<String>,
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, StateFileError> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StateFileError {
            path: path.to_owned(),
            detail: format!("cannot read it: {e}"),
        }),
    }
}

/// The state file `state` with its journal replayed onto it, read without changing either file (what
/// a restart would start from). Damage of either file is an error that names it.
pub fn read(state: &Path) -> Result<World, StateFileError> {
    Ok(load(state)?.world)
}

/// What [`read`] found, and whether the journal can simply be continued.
struct Loaded {
    world: World,
    notes: Vec<String>,
    // The journal continues the state file and holds nothing: it can be appended to as it is.
    clean: bool,
    snapshot_len: u64,
}

fn load(state: &Path) -> Result<Loaded, StateFileError> {
    let journal_path = path_for(state);
    let mut notes = Vec::new();
    let snapshot = read_optional(state)?;
    let mut world = match &snapshot {
        Some(bytes) => persistence::decode(state, bytes)?,
        None => World::new(),
    };
    let damage = |detail: String| StateFileError {
        path: journal_path.clone(),
        detail,
    };
    let mut clean = false;
    if let Some(bytes) = read_optional(&journal_path)? {
        let follows = read_header(&bytes).ok_or_else(|| {
            damage("its header is not that of a cloudvpn-emulator journal".to_owned())
        })?;
        match &snapshot {
            None => {
                return Err(damage(format!(
                    "it continues the state file {}, which is not there (move the journal away too \
                     to start empty)",
                    state.display()
                )));
            }
            Some(s) if Follows::of(s) != follows => notes.push(format!(
                "ignored {}: it continues an earlier state file, whose changes {} already holds \
                 (a compaction was interrupted)",
                journal_path.display(),
                state.display()
            )),
            Some(_) => {
                let records = read_records(&bytes).map_err(damage)?;
                if let Some(why) = &records.torn {
                    notes.push(format!(
                        "dropped the unfinished last record of {}: {why}; it was never acknowledged",
                        journal_path.display()
                    ));
                }
                clean = records.batches.is_empty() && records.torn.is_none();
                let count = records.batches.len();
                for change in records.batches.into_iter().flatten() {
                    changes::apply(&mut world, change);
                }
                consistency::check(&world).map_err(|broken| {
                    damage(format!(
                        "its {count} records, replayed onto the state file, give an inconsistent \
                         state: {broken}"
                    ))
                })?;
            }
        }
    }
    Ok(Loaded {
        world,
        notes,
        clean,
        snapshot_len: snapshot.as_ref().map_or(0, |s| s.len() as u64),
    })
}

/// Why [`open`] failed.
#[derive(Debug)]
pub enum OpenError {
    /// Another emulator has the state file open, or it cannot be locked; nothing was touched.
    Lock(LockError),
    /// The state file or its journal cannot be used.
    State(StateFileError),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Lock(e) => e.fmt(f),
            OpenError::State(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for OpenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OpenError::Lock(e) => Some(e),
            OpenError::State(e) => Some(e),
        }
    }
}

/// Locks the state file `state` (the state lock ([`crate::LockError`]); the journal keeps the lock until dropped),
/// loads it and its journal, and leaves both ready for appending: temporary files of killed writers are
/// removed, and the state file is rewritten (and the journal emptied) when the journal held anything,
/// so that every start begins with an empty journal. Damage of either file is an error that names it;
/// nothing is then changed but the temporary files.
pub fn open(state: &Path, policy: Policy) -> Result<Opened, OpenError> {
    // First of all: everything after this may rewrite files another emulator is using.
    let lock = state_lock::acquire(state).map_err(OpenError::Lock)?;
    open_locked(state, policy, lock).map_err(OpenError::State)
}

fn open_locked(state: &Path, policy: Policy, lock: StateLock) -> Result<Opened, StateFileError> {
    let journal_path = path_for(state);
    let mut removed = Vec::new();
    for stale in persistence::remove_stale_temporaries(state)
        .into_iter()
        .chain(persistence::remove_stale_temporaries(&journal_path))
    {
        removed.push(format!(
            "removed {}, left by a writer that was stopped mid-write",
            stale.display()
        ));
    }
    let Loaded {
        world,
        mut notes,
        clean,
        snapshot_len,
    } = load(state)?;
    removed.append(&mut notes);
    let mut journal = Journal {
        state: state.to_owned(),
        path: journal_path,
        file: None,
        len: 0,
        records: 0,
        snapshot_len,
        policy,
        _lock: lock,
    };
    let ready = if clean {
        journal.reopen()
    } else {
        journal.rewrite(&world, None)
    };
    ready.map_err(|e| StateFileError {
        path: state.to_owned(),
        detail: format!("cannot write it: {e}"),
    })?;
    Ok(Opened {
        world,
        journal,
        notes: removed,
    })
}

/// When the journal is folded into a new state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Compact once the journal is this many times the state file's size …
    pub size_ratio: u64,
    /// … and at least this long (bytes);
    pub min_bytes: u64,
    /// or once it holds this many records.
    pub max_records: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            size_ratio: 2,
            min_bytes: 8 << 20,
            max_records: 100_000,
        }
    }
}

/// Where a batch of changes is made durable: the journal of a state file, or (in tests) anything that
/// can fail on purpose.
pub trait Backend: Send + 'static {
    /// Makes `record` durable after everything appended before. `durable` is the state as it is on
    /// disk without it, for a backend that must rewrite everything. On error nothing of `record` may
    /// be read back on load.
    fn append(&mut self, record: &[u8], durable: &World) -> io::Result<()>;
    /// Whether [`Backend::compact`] is due.
    fn wants_compaction(&self) -> bool;
    /// Replaces the state file with `durable` and empties the journal.
    fn compact(&mut self, durable: &World) -> io::Result<()>;
}

/// The journal of a state file.
#[derive(Debug)]
pub struct Journal {
    state: PathBuf,
    path: PathBuf,
    // `None` when its contents are unknown after a failure: the next append rewrites everything.
    file: Option<File>,
    len: u64,
    records: u64,
    snapshot_len: u64,
    policy: Policy,
    // Held for as long as this journal may write the state file and the journal.
    _lock: StateLock,
}

impl Journal {
    fn reopen(&mut self) -> io::Result<()> {
        let file = OpenOptions::new().append(true).open(&self.path)?;
        self.len = file.metadata()?.len();
        self.records = 0;
        self.file = Some(file);
        Ok(())
    }

    /// Writes `durable` as the state file, then a journal naming it (holding `first` if given).
    fn rewrite(&mut self, durable: &World, first: Option<&[u8]>) -> io::Result<()> {
        self.file = None;
        let snapshot = persistence::encode(durable);
        persistence::write_atomic(&self.state, &snapshot)?;
        self.snapshot_len = snapshot.len() as u64;
        let mut bytes = header(Follows::of(&snapshot));
        if let Some(record) = first {
            bytes.extend_from_slice(record);
        }
        persistence::write_atomic(&self.path, &bytes)?;
        self.reopen()?;
        self.records = u64::from(first.is_some());
        Ok(())
    }
}

impl Backend for Journal {
    fn append(&mut self, record: &[u8], durable: &World) -> io::Result<()> {
        let Some(file) = self.file.as_mut() else {
            return self.rewrite(durable, Some(record));
        };
        match file.write_all(record).and_then(|()| file.sync_data()) {
            Ok(()) => {
                self.len += record.len() as u64;
                self.records += 1;
                Ok(())
            }
            Err(e) => {
                // Cut off whatever part of the record reached the file, so that it cannot come back on
                // load; if even that fails, the next append starts over from `durable`.
                if file
                    .set_len(self.len)
                    .and_then(|()| file.sync_data())
                    .is_err()
                {
                    self.file = None;
                }
                Err(e)
            }
        }
    }

    fn wants_compaction(&self) -> bool {
        let big = self.len >= self.policy.min_bytes
            && self.len >= self.snapshot_len.saturating_mul(self.policy.size_ratio);
        self.file.is_some() && (big || self.records >= self.policy.max_records)
    }

    fn compact(&mut self, durable: &World) -> io::Result<()> {
        self.rewrite(durable, None)
    }
}
