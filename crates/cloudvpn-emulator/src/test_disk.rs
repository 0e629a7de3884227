//! A disk for tests that fails on command: each append waits to be told whether to succeed.

use crate::journal::Backend;
use crate::model::World;
use crate::store::Store;
use std::sync::{Arc, Mutex, mpsc};

/// A disk whose every append waits to be told whether to succeed, and keeps what succeeded.
struct GatedDisk {
    outcomes: Mutex<mpsc::Receiver<bool>>,
    appended: Appended,
}

impl Backend for GatedDisk {
    fn append(&mut self, record: &[u8], _durable: &World) -> std::io::Result<()> {
        let ok = self
            .outcomes
            .lock()
            .unwrap()
            .recv()
            .map_err(|_| std::io::Error::other("test over"))?;
        if !ok {
            return Err(std::io::Error::other("No space left on device (injected)"));
        }
        self.appended.lock().unwrap().push(record.to_vec());
        Ok(())
    }
    fn wants_compaction(&self) -> bool {
        false
    }
    fn compact(&mut self, _durable: &World) -> std::io::Result<()> {
        Ok(())
    }
}

/// What reached the disk, record by record.
pub(crate) type Appended = Arc<Mutex<Vec<Vec<u8>>>>;

pub(crate) fn gated(world: World) -> (Arc<Store>, mpsc::Sender<bool>, Appended) {
    let (tx, rx) = mpsc::channel();
    let appended = Arc::new(Mutex::new(Vec::new()));
    let disk = GatedDisk {
        outcomes: Mutex::new(rx),
        appended: appended.clone(),
    };
    (Store::new(world, Some(Box::new(disk))), tx, appended)
}
