//! The guard in front of tower-lsp-server's reader (the byte-level work is in `frames.rs`), and
//! the method that answers the messages it rejected.
//!
//! Why a substitute request: the guard does not own stdout (tower-lsp-server writes it), so it
//! cannot answer by itself. tower-lsp-server answers unknown methods with MethodNotFound, which
//! would tell the client the wrong thing; a registered method answers with the real code and
//! reason. Before `initialize` tower-lsp-server answers it with ServerNotInitialized instead.

use serde::Deserialize;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

use crate::frames::Guard;

pub use crate::frames::REJECT_METHOD;

/// Copy frames from `input` to `output` through the guard. Returns at end of input.
pub async fn sanitize(mut input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut guard = Guard::default();
    let mut buf = vec![0; 64 * 1024];
    let (mut out, mut notes) = (Vec::new(), Vec::new());
    loop {
        let n = match input.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        guard.feed(&buf[..n], &mut out, &mut notes);
        for note in notes.drain(..) {
            tracing::warn!("{note}");
        }
        if !out.is_empty() {
            if output.write_all(&out).await.is_err() || output.flush().await.is_err() {
                return;
            }
            out.clear();
        }
    }
    guard.finish(&mut notes);
    for note in notes {
        tracing::warn!("{note}");
    }
}

#[derive(Deserialize)]
pub struct Rejection {
    code: i64,
    message: String,
}

/// The answer to a substitute request: the error the guard found.
pub async fn reject<S>(_: &S, params: Rejection) -> Result<Value> {
    Err(Error {
        code: ErrorCode::from(params.code),
        message: params.message.into(),
        data: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn replaces_bad_frames_and_keeps_good_ones() {
        let input = b"Content-Length: 9\r\n\r\n{not jsonGARBAGE\r\n\r\nContent-Length: 34\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}\n".to_vec();
        let mut out = Vec::new();
        sanitize(&input[..], &mut out).await;
        let out = String::from_utf8_lossy(&out);
        assert_eq!(
            out,
            "Content-Length: 34\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}\n"
        );
    }
}
