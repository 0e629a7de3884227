//! Progress on stderr: on a terminal an indicatif bar for the whole sweep and a line per region; elsewhere
//! (logs, pipes, CI) one plain line per finished gateway, so scripts and people both get something useful.

use super::report::{GatewayResult, Outcome};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

/// The bars of a terminal: the whole sweep's, and one per region.
struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
    regions: Mutex<HashMap<String, ProgressBar>>,
}

pub struct Display {
    bars: Option<Bars>,
    now_ms: u64,
}

impl Display {
    /// For `total` gateways in `regions` (each with its count).
    pub fn new(total: usize, regions: &[(String, usize)], now_ms: u64) -> Self {
        let bars = std::io::stderr().is_terminal().then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let overall = multi.add(ProgressBar::new(total as u64));
            if let Ok(style) = ProgressStyle::with_template(
                "{prefix:.bold} [{bar:30}] {pos}/{len} gateways, {elapsed} {wide_msg}",
            ) {
                overall.set_style(style.progress_chars("=> "));
            }
            overall.set_prefix("sweep");
            // Ticks by itself, so the elapsed time moves while every gateway in flight is still waiting.
            overall.enable_steady_tick(std::time::Duration::from_millis(250));
            let mut lines = HashMap::new();
            for (place, count) in regions {
                let bar = multi.add(ProgressBar::new(*count as u64));
                if let Ok(style) = ProgressStyle::with_template("  {prefix} {pos}/{len} {wide_msg}")
                {
                    bar.set_style(style);
                }
                bar.set_prefix(place.clone());
                lines.insert(place.clone(), bar);
            }
            Bars {
                multi,
                overall,
                regions: Mutex::new(lines),
            }
        });
        Display { bars, now_ms }
    }

    /// A gateway is being deleted.
    pub fn started(&self, place: &str, id: &str) {
        if let Some(bars) = &self.bars {
            if let Some(bar) = bars
                .regions
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(place)
            {
                bar.set_message(format!("deleting {id}"));
            }
        }
    }

    /// A gateway is finished.
    pub fn finished(&self, g: &GatewayResult) {
        let line = line(g, self.now_ms);
        match &self.bars {
            Some(bars) => {
                bars.overall.inc(1);
                if let Some(bar) = bars
                    .regions
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(&g.place())
                {
                    bar.inc(1);
                    bar.set_message(line);
                }
            }
            None => eprintln!("{} {line}", g.place()),
        }
    }

    /// Says on the bar (or a line) that no new work starts.
    pub fn stopping(&self, text: &str) {
        match &self.bars {
            Some(bars) => bars.overall.set_message(text.to_owned()),
            None => eprintln!("{text}"),
        }
    }

    pub fn finish(self) {
        if let Some(bars) = self.bars {
            bars.overall.finish();
            for bar in bars.regions.into_inner().unwrap_or_default().into_values() {
                bar.finish();
            }
            let _ = bars.multi.clear();
        }
    }
}

/// One line for a gateway's outcome.
pub fn line(g: &GatewayResult, now_ms: u64) -> String {
    let conns = if g.connections.is_empty() {
        String::new()
    } else {
        format!(
            " ({} connection(s): {})",
            g.connections.len(),
            g.connections.join(", ")
        )
    };
    let name = if g.name.is_empty() {
        String::new()
    } else {
        format!(" [{}]", g.name)
    };
    match g.outcome {
        Outcome::WouldDelete => format!("delete {}{name}{conns}", g.id),
        Outcome::Deleted => format!("deleted {}{name}{conns}", g.id),
        Outcome::AlreadyGone => format!("already gone {}{name}", g.id),
        Outcome::Skipped => format!(
            "skip {}{name}: {}",
            g.id,
            g.skip
                .as_ref()
                .map(|s| s.describe(now_ms))
                .unwrap_or_default()
        ),
        Outcome::Failed => format!(
            "failed {}{name}: {}",
            g.id,
            g.reason.as_deref().unwrap_or("unknown error")
        ),
        Outcome::NotStarted => format!("not started {}{name} (interrupted)", g.id),
    }
}
