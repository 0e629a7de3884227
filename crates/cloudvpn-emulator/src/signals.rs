//! The signals that stop an emulator run as a program: Ctrl-C and SIGTERM.

/// Ctrl-C (SIGINT) and SIGTERM (what service managers and `kill` send), listened for from the moment this
/// is made: a supervisor may signal as soon as it sees the banner, and a signal that arrives before a handler
/// exists takes the default action, which kills the process without saving the state.
pub struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    /// Installs the handlers now (inside a Tokio runtime).
    pub fn listen() -> std::io::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(StopSignals {})
        }
    }

    /// Waits for the first of them (any received since [`StopSignals::listen`] counts).
    pub async fn received(mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = &mut self;
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Ctrl-C, or SIGTERM, from the first poll on (a program that must not miss an early signal uses
/// [`StopSignals::listen`] first).
pub async fn stop_signal() {
    match StopSignals::listen() {
        Ok(signals) => signals.received().await,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
