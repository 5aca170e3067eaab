//! The panic guard: a panic inside a handler is logged and answered, and the server keeps serving.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

/// Run `f`, turning a panic into a logged `None`.
pub fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|payload| log_panic(what, payload))
        .ok()
}

/// A request handler's answer: a panic while it runs becomes an internal-error response.
pub async fn answer<T>(what: &str, handler: impl Future<Output = Result<T>>) -> Result<T> {
    match Guarded(Box::pin(handler)).await {
        Ok(result) => result,
        Err(payload) => {
            log_panic(what, payload);
            Err(internal_error(what))
        }
    }
}

/// A notification handler: a panic while it runs is logged (notifications have no answer).
pub async fn notification(what: &str, handler: impl Future<Output = ()>) {
    if let Err(payload) = Guarded(Box::pin(handler)).await {
        log_panic(what, payload);
    }
}

/// The error a request that panicked is answered with.
pub fn internal_error(what: &str) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: format!("dstack-lsp: internal error in {what} (see the server log)").into(),
        data: None,
    }
}

fn log_panic(what: &str, payload: Box<dyn std::any::Any + Send>) {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    tracing::error!("handler {what} panicked: {msg}");
}

/// Polls a future under `catch_unwind`: the synchronous work between its awaits is where a
/// handler can panic. After a panic the future is never polled again.
struct Guarded<F>(Pin<Box<F>>);

impl<F: Future> Future for Guarded<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.get_mut().0;
        match catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .map(|rt| rt.block_on(f))
            .unwrap_or_else(|e| panic!("runtime: {e}"))
    }

    #[test]
    fn a_panicking_request_is_answered_with_an_internal_error() {
        let r: Result<u8> = block_on(answer("test", async { panic!("boom") }));
        let e = r.err().map(|e| e.code);
        assert_eq!(e, Some(ErrorCode::InternalError));
        assert_eq!(block_on(answer("test", async { Ok(7u8) })).ok(), Some(7));
    }

    #[test]
    fn a_panicking_notification_returns() {
        block_on(notification("test", async { panic!("boom") }));
        assert_eq!(guard("test", || -> u8 { panic!("boom") }), None);
    }
}
