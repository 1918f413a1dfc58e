//! What the client logs through `tracing`, captured for tests to read.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// Everything the client logs through `tracing`, span closings included, from every test of
/// this binary: one global subscriber, because per-thread ones race with callsite caching when
/// tests run in parallel. Tests tell their own lines apart by a unique value in them.
pub struct Logs;

#[derive(Clone)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

static LOG_BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

impl Logs {
    pub fn capture() -> Logs {
        LOG_BUFFER.get_or_init(|| {
            let buffer = Arc::new(Mutex::new(Vec::new()));
            let sink = Sink(buffer.clone());
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::DEBUG)
                .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
                .with_ansi(false)
                .with_writer(move || sink.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
            buffer
        });
        Logs
    }

    /// The lines that mention `marker`.
    pub fn lines_with(&self, marker: &str) -> Vec<String> {
        self.all()
            .lines()
            .filter(|line| line.contains(marker))
            .map(str::to_string)
            .collect()
    }

    /// Everything captured so far.
    pub fn all(&self) -> String {
        let buffer = LOG_BUFFER.get().expect("capturing");
        String::from_utf8_lossy(&buffer.lock().unwrap()).into_owned()
    }
}
