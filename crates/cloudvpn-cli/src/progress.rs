//! Progress of a wait on stderr: on a terminal, one indicatif spinner line that fits the terminal's width
//! (long text is cut, never wrapped) and is cleared when the wait ends, leaving one short line with the
//! outcome; elsewhere (logs, pipes, CI) a plain line per poll, so both people and scripts get something
//! useful.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Reports `WaitProgress` updates.
#[derive(Debug)]
pub struct Progress {
    action: &'static str,
    spinner: Option<ProgressBar>,
}

impl Progress {
    /// Progress of waiting for `action`.
    pub fn new(action: &'static str) -> Self {
        let spinner = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            // `wide_msg` takes the width left on the line and cuts what does not fit.
            if let Ok(style) = ProgressStyle::with_template("{spinner} {wide_msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { action, spinner }
    }

    /// After each poll.
    pub fn update(&mut self, p: &cloudvpn::WaitProgress) {
        let text = format!(
            "waiting for {}: {} shows {} ({:.1} s, {} poll{})",
            self.action,
            p.poll_action,
            p.observed,
            p.elapsed.as_secs_f64(),
            p.polls,
            if p.polls == 1 { "" } else { "s" }
        );
        match &self.spinner {
            Some(bar) => bar.set_message(text),
            None => eprintln!("{text}"),
        }
    }

    /// Clears the spinner; after a completed wait a short line (it fits 80 columns) says so.
    pub fn finish(&mut self, completed: Option<&cloudvpn::Completed>) {
        if let Some(bar) = self.spinner.take() {
            bar.finish_and_clear();
            if let Some(done) = completed {
                eprintln!(
                    "✓ {} complete ({:.1} s, {} poll{})",
                    self.action,
                    done.elapsed.as_secs_f64(),
                    done.polls,
                    if done.polls == 1 { "" } else { "s" }
                );
            }
        }
    }
}

impl Drop for Progress {
    /// An interrupted wait (Ctrl-C, an error) leaves no spinner line behind either.
    fn drop(&mut self) {
        if let Some(bar) = self.spinner.take() {
            bar.finish_and_clear();
        }
    }
}
