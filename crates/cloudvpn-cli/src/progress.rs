//! Progress of a wait on stderr: a spinner line redrawn in place on a terminal, plain lines otherwise (logs,
//! pipes, CI), so both people and scripts get something useful.

use std::io::{IsTerminal, Write};

const SPINNER: &[char] = &['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// Reports `WaitProgress` updates.
#[derive(Debug)]
pub struct Progress {
    action: &'static str,
    terminal: bool,
    ticks: usize,
    drawn: bool,
}

impl Progress {
    /// Progress of waiting for `action`.
    pub fn new(action: &'static str) -> Self {
        Progress {
            action,
            terminal: std::io::stderr().is_terminal(),
            ticks: 0,
            drawn: false,
        }
    }

    /// After each poll.
    pub fn update(&mut self, p: &cloudvpn::WaitProgress) {
        let mut err = std::io::stderr().lock();
        let text = format!(
            "waiting for {}: {} shows {} ({:.1} s, {} poll{})",
            self.action,
            p.poll_action,
            p.observed,
            p.elapsed.as_secs_f64(),
            p.polls,
            if p.polls == 1 { "" } else { "s" }
        );
        if self.terminal {
            let spin = SPINNER[self.ticks % SPINNER.len()];
            self.ticks += 1;
            let _ = write!(err, "\r\x1b[2K{spin} {text}");
            self.drawn = true;
        } else {
            let _ = writeln!(err, "{text}");
        }
        let _ = err.flush();
    }

    /// Ends the spinner line.
    pub fn finish(&mut self) {
        if self.terminal && self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }
}
