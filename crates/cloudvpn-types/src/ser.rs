//! How generated responses serialise lists.
//!
//! A client re-serialising what it received (the command line printing a response) leaves an empty list
//! out, as it always has; a server answering (the emulator, a mock) must send it, as the real services
//! do (`"VpnGateways": {"VpnGateway": []}` when nothing matches), or a client indexing into the answer
//! fails. One struct serves both, so the choice is made per serialisation, on the calling thread.

use std::cell::Cell;

thread_local! {
    static KEEP_EMPTY_LISTS: Cell<bool> = const { Cell::new(false) };
}

/// Whether an empty list is left out: yes, unless inside [`with_empty_lists`].
pub fn skip_empty_list<T>(list: &[T]) -> bool {
    list.is_empty() && !KEEP_EMPTY_LISTS.with(Cell::get)
}

/// Runs `f` (a serialisation) with empty lists written as `[]`, as a server answers them.
#[cfg(feature = "test-util")]
pub fn with_empty_lists<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            KEEP_EMPTY_LISTS.with(|k| k.set(self.0));
        }
    }
    let _restore = Restore(KEEP_EMPTY_LISTS.with(|k| k.replace(true)));
    f()
}
