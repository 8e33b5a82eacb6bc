//! `--progress`: a one-line progress bar on standard error, for long runs on a terminal.
//!
//! A background thread redraws the line ten times a second from two atomic counters that the
//! workers bump; nothing is drawn for runs that finish within half a second, and the line is
//! erased at the end so the report starts on a clean line.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Whether a progress bar may be drawn at all: asked for, standard error is a terminal, and not
/// in CI (CI logs keep every redraw as a line).
pub fn wanted(flag: bool) -> bool {
    flag && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

#[derive(Default)]
struct Shared {
    files: AtomicUsize,
    documents: AtomicUsize,
    stop: Mutex<bool>,
    wake: Condvar,
    drawn: AtomicBool,
}

/// A running progress bar, or a no-op when not [`wanted`].
pub struct Progress {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Start drawing for `total` files; a no-op bar when `enabled` is false.
    pub fn start(enabled: bool, total: usize) -> Progress {
        let shared = Arc::new(Shared::default());
        let thread = enabled.then(|| {
            let s = shared.clone();
            std::thread::spawn(move || draw_loop(&s, total))
        });
        Progress { shared, thread }
    }

    /// One more file done, with its document count.
    pub fn file_done(&self, documents: usize) {
        self.shared.files.fetch_add(1, Ordering::Relaxed);
        self.shared
            .documents
            .fetch_add(documents, Ordering::Relaxed);
    }

    /// Stop and erase the line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(t) = self.thread.take() {
            *self.shared.stop.lock().unwrap_or_else(|e| e.into_inner()) = true;
            self.shared.wake.notify_all();
            let _ = t.join();
            if self.shared.drawn.load(Ordering::Relaxed) {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K");
                let _ = err.flush();
            }
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

fn draw_loop(s: &Shared, total: usize) {
    let start = Instant::now();
    let mut stopped = s.stop.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let (guard, _) = s
            .wake
            .wait_timeout(stopped, Duration::from_millis(100))
            .unwrap_or_else(|e| e.into_inner());
        stopped = guard;
        if *stopped {
            return;
        }
        let elapsed = start.elapsed();
        if elapsed < Duration::from_millis(500) {
            continue;
        }
        let line = render(
            s.files.load(Ordering::Relaxed),
            total,
            s.documents.load(Ordering::Relaxed),
            elapsed,
            width(),
        );
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        s.drawn.store(true, Ordering::Relaxed);
    }
}

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(80)
}

/// The bar's text: `[#####     ] 1234/5000 files · 8901 documents · 2.1 s`, cut to `width`.
pub fn render(
    done: usize,
    total: usize,
    documents: usize,
    elapsed: Duration,
    width: usize,
) -> String {
    let done = done.min(total);
    // The count is padded to the total's width, so the bar does not shift as it grows.
    let w = total.to_string().len();
    let tail = format!(
        " {done:>w$}/{total} files · {documents} documents · {:.1} s",
        elapsed.as_secs_f64()
    );
    let bar_width = width.saturating_sub(tail.chars().count() + 3).min(40);
    let mut line = String::new();
    if bar_width >= 10 {
        let filled = (bar_width * done).checked_div(total).unwrap_or(bar_width);
        line.push('[');
        line.extend(std::iter::repeat_n('#', filled));
        line.extend(std::iter::repeat_n(' ', bar_width - filled));
        line.push(']');
    }
    line.push_str(&tail);
    // Never wrap: a wrapped line cannot be redrawn with `\r`.
    line.chars().take(width.saturating_sub(1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_in_proportion_and_fits_the_width() {
        let line = render(250, 1000, 600, Duration::from_millis(1500), 80);
        let bar = &line[1..line.find(']').expect("a bar")];
        let filled = bar.chars().filter(|c| *c == '#').count();
        assert_eq!(filled, bar.chars().count() / 4, "a quarter done: {line}");
        assert!(
            line.contains("]  250/1000 files"),
            "padded to the total's width: {line}"
        );
        let full = render(1000, 1000, 0, Duration::ZERO, 80);
        assert!(
            !full[..full.find(']').expect("a bar")].contains(' '),
            "{full}"
        );
        assert!(line.ends_with("600 documents · 1.5 s"), "{line}");
        assert!(line.chars().count() < 80);
        let narrow = render(1, 2, 3, Duration::ZERO, 30);
        assert!(!narrow.contains('['), "no room for a bar: {narrow}");
        assert!(narrow.chars().count() < 30);
        assert!(render(5, 0, 0, Duration::ZERO, 80).contains("0/0 files"));
    }
}
