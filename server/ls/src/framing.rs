//! A guard in front of tower-lsp-server's reader. Its decoder ends the whole input stream on the
//! first malformed frame, which would stop the server; so frames are checked here first.
//! Well-formed messages pass through unchanged. A frame with a broken header or a body that is
//! not a JSON-RPC message is logged and replaced by a notification that the server ignores.

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Headers longer than this are garbage, not LSP.
const MAX_HEADER_LINE: usize = 8 * 1024;
/// The largest body we accept (a 10 MB document is sent JSON-escaped, so leave room).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Sent in place of a malformed frame: a `$/` notification, which servers may ignore.
const PLACEHOLDER: &[u8] = br#"{"jsonrpc":"2.0","method":"$/dstack/malformedMessage"}"#;

/// True when `body` is something tower-lsp-server can decode as a request, notification or response.
pub fn is_jsonrpc_message(body: &[u8]) -> bool {
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    if map.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return false;
    }
    let id_ok = match map.get("id") {
        None | Some(Value::Null) | Some(Value::String(_)) => true,
        Some(Value::Number(n)) => n.is_i64() || n.is_u64(),
        Some(_) => false,
    };
    if !id_ok {
        return false;
    }
    match map.get("method") {
        Some(Value::String(_)) => match map.get("params") {
            None | Some(Value::Null) | Some(Value::Object(_)) | Some(Value::Array(_)) => true,
            Some(_) => false,
        },
        Some(_) => false,
        None => map.contains_key("id") && (map.contains_key("result") || map.contains_key("error")),
    }
}

async fn write_frame(out: &mut (impl AsyncWrite + Unpin), body: &[u8]) -> std::io::Result<()> {
    out.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    out.write_all(body).await?;
    out.flush().await
}

/// Copy frames from `input` to `output`, replacing malformed ones. Returns at end of input.
pub async fn sanitize(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut reader = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        // Headers: lines until an empty one. Anything unexpected makes the frame malformed.
        let mut content_length: Option<usize> = None;
        let mut bad_header = false;
        let mut saw_any = false;
        loop {
            line.clear();
            let n = match (&mut reader)
                .take(MAX_HEADER_LINE as u64)
                .read_until(b'\n', &mut line)
                .await
            {
                Ok(n) => n,
                Err(_) => return,
            };
            if n == 0 {
                return;
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if saw_any {
                    break;
                }
                continue; // Stray blank lines between frames.
            }
            saw_any = true;
            match text.split_once(':') {
                Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                    content_length = value.trim().parse().ok();
                    bad_header |= content_length.is_none();
                }
                Some((name, _)) if name.eq_ignore_ascii_case("content-type") => {}
                _ => bad_header = true,
            }
        }
        let body = match content_length {
            Some(len) if len <= MAX_BODY => {
                let mut body = vec![0; len];
                if reader.read_exact(&mut body).await.is_err() {
                    return;
                }
                Some(body)
            }
            _ => None,
        };
        let ok = !bad_header && body.as_deref().is_some_and(is_jsonrpc_message);
        let result = if ok {
            write_frame(&mut output, body.as_deref().unwrap_or_default()).await
        } else {
            tracing::warn!(
                "ignoring a malformed JSON-RPC frame ({} body bytes)",
                body.map_or(0, |b| b.len())
            );
            write_frame(&mut output, PLACEHOLDER).await
        };
        if result.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_messages() {
        for ok in [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
            r#"{"jsonrpc":"2.0","id":"a","result":null}"#,
            r#"{"jsonrpc":"2.0","method":"exit"}"#,
        ] {
            assert!(is_jsonrpc_message(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "{not json",
            "[]",
            "1",
            r#"{"id":1,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#,
            r#"{"jsonrpc":"2.0","method":"x","params":3}"#,
        ] {
            assert!(!is_jsonrpc_message(bad.as_bytes()), "{bad}");
        }
    }

    #[tokio::test]
    async fn replaces_bad_frames_and_keeps_good_ones() {
        let input = b"Content-Length: 9\r\n\r\n{not jsonGARBAGE\r\n\r\nContent-Length: 34\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}\n".to_vec();
        let mut out = Vec::new();
        sanitize(&input[..], &mut out).await;
        let out = String::from_utf8_lossy(&out);
        assert!(out.starts_with("Content-Length: 54\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"$/dstack/malformedMessage\"}"), "{out}");
        assert!(
            out.contains("Content-Length: 34\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}\n"),
            "{out}"
        );
    }
}
