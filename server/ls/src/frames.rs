//! The frame guard as a pure state machine over bytes: no tokio, no tower-lsp types, so a fuzz
//! target can include this file (`#[path]`) and drive [`sanitize`] directly.
//!
//! Input is whatever the client wrote; output is a stream of well-formed frames, each holding a
//! message tower-lsp-server decodes without error (its decoder ends the whole session on the
//! first one it cannot decode). A frame whose header or body is unusable is skipped; when the
//! request id can still be found, it is replaced by a request to [`REJECT_METHOD`] carrying that
//! id, which the server answers with the error. Text the JSON layer cannot hold (invalid UTF-8,
//! lone surrogate escapes, raw control characters in strings) is repaired so the edit is kept.

#[path = "frames/body.rs"] // also from a fuzz target that includes this file by `#[path]`
mod body;

use body::{Extent, INVALID_REQUEST, MAX_BODY, Push, check, repair, request_id};

/// Header lines longer than this are garbage, not LSP.
pub const MAX_HEADER_LINE: usize = 8 * 1024;
/// Header lines per frame.
const MAX_HEADER_LINES: usize = 64;
/// How much of a skipped body is kept to find its id.
const ID_PREFIX: usize = 4 * 1024;

/// The method the substitute requests call; the server answers it with `params` as the error.
pub const REJECT_METHOD: &str = "$/dstack/rejectMessage";

/// Feed bytes in any chunks; frames for the server's reader are appended to `out`, and lines for
/// the log to `notes`. Memory stays bounded by [`MAX_BODY`] whatever the input.
#[derive(Debug, Default)]
pub struct Guard {
    state: State,
    /// Bytes dropped while hunting for the next frame, reported when one is found.
    skipped: u64,
}

#[derive(Debug)]
enum State {
    Header(Header),
    Body {
        want: usize,
        buf: Vec<u8>,
        problem: Option<String>,
    },
    /// A body above the cap: counted down, only its start kept. A JSON body cannot hold
    /// `Content-Length: N` followed by a raw line break (a string cannot hold the raw break, and
    /// outside strings the words are not JSON), so seeing one means the announced length was a
    /// lie and the next frame starts there; `matched` and `tail` track that.
    Skip {
        left: u64,
        prefix: Vec<u8>,
        problem: String,
        matched: usize,
        tail: Option<Vec<u8>>,
        /// Bytes of the body consumed so far.
        seen: u64,
    },
    /// After a header without a usable length: the body is taken to be one JSON object.
    Unframed {
        problem: String,
    },
    Json {
        buf: Vec<u8>,
        extent: Extent,
        problem: String,
    },
    /// Hunting for the next `Content-Length:`; the count of its bytes matched so far.
    Scan {
        matched: usize,
    },
}

impl Default for State {
    fn default() -> State {
        State::Header(Header::default())
    }
}

#[derive(Debug, Default)]
struct Header {
    line: Vec<u8>,
    lines: usize,
    /// `Some(Ok(n))` for a decimal length, `Some(Err(text))` for one that cannot be read.
    length: Option<Result<u64, String>>,
    problem: Option<String>,
}

const NEEDLE: &[u8] = b"content-length:";

impl Guard {
    pub fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>, notes: &mut Vec<String>) {
        while !input.is_empty() {
            let used = self.step(input, out, notes);
            input = &input[used..];
        }
    }

    /// End of input: say what was cut off.
    pub fn finish(&mut self, notes: &mut Vec<String>) {
        let pending = match &self.state {
            State::Header(h) => h.lines > 0 || !h.line.is_empty(),
            State::Scan { .. } => self.skipped > 0,
            _ => true,
        };
        if pending {
            notes.push("the input ended inside a frame".to_string());
        }
        self.state = State::default();
    }

    /// Consume a prefix of `input` (at least one byte).
    fn step(&mut self, input: &[u8], out: &mut Vec<u8>, notes: &mut Vec<String>) -> usize {
        match &mut self.state {
            State::Header(h) => {
                let end = input.iter().position(|&b| b == b'\n');
                let take = end.map_or(input.len(), |i| i + 1);
                if h.line.len() + take > MAX_HEADER_LINE + 2 {
                    notes.push(format!(
                        "a header line is longer than {MAX_HEADER_LINE} bytes; looking for the next frame"
                    ));
                    self.skipped += h.line.len() as u64;
                    self.state = State::Scan { matched: 0 };
                    return self.scan_from(input);
                }
                h.line.extend_from_slice(&input[..take]);
                if end.is_some() {
                    let line = std::mem::take(&mut h.line);
                    self.header_line(&line, out, notes);
                }
                take
            }
            State::Body { want, buf, .. } => {
                let take = (*want - buf.len()).min(input.len());
                grow(buf, take, *want);
                buf.extend_from_slice(&input[..take]);
                if buf.len() == *want
                    && let State::Body { buf, problem, .. } = std::mem::take(&mut self.state)
                {
                    process(&buf, problem, out, notes);
                }
                take
            }
            State::Skip {
                left,
                prefix,
                matched,
                tail,
                seen,
                ..
            } => {
                let take = (*left).min(input.len() as u64) as usize;
                let room = ID_PREFIX.saturating_sub(prefix.len()).min(take);
                prefix.extend_from_slice(&input[..room]);
                for (i, &b) in input[..take].iter().enumerate() {
                    if let Some(t) = tail {
                        if (b == b'\r' || b == b'\n') && t.iter().any(u8::is_ascii_digit) {
                            // The next frame's header: drop the rest of the announced body.
                            let line = [b"Content-Length:".as_slice(), t].concat();
                            // Only the bytes before the header belong to the rejected body.
                            let body =
                                (*seen + i as u64).saturating_sub((NEEDLE.len() + t.len()) as u64);
                            prefix.truncate(usize::try_from(body).unwrap_or(usize::MAX));
                            if let State::Skip {
                                prefix, problem, ..
                            } = std::mem::replace(
                                &mut self.state,
                                State::Header(Header {
                                    line,
                                    ..Header::default()
                                }),
                            ) {
                                notes.push(
                                    "a frame ended before its announced length: the next frame starts inside it"
                                        .to_string(),
                                );
                                reject(&prefix, INVALID_REQUEST, problem, out, notes);
                            }
                            return i;
                        }
                        if (b == b' ' || b == b'\t' || b.is_ascii_digit()) && t.len() < 24 {
                            t.push(b);
                            continue;
                        }
                        *tail = None;
                        *matched = 0;
                    }
                    let b = b.to_ascii_lowercase();
                    *matched = if b == NEEDLE[*matched] {
                        *matched + 1
                    } else {
                        usize::from(b == NEEDLE[0])
                    };
                    if *matched == NEEDLE.len() {
                        *tail = Some(Vec::new());
                        *matched = 0;
                    }
                }
                *left -= take as u64;
                *seen += take as u64;
                if *left == 0
                    && let State::Skip {
                        prefix, problem, ..
                    } = std::mem::take(&mut self.state)
                {
                    reject(&prefix, INVALID_REQUEST, problem, out, notes);
                }
                take
            }
            State::Unframed { problem } => {
                let b = input[0];
                if b.is_ascii_whitespace() {
                    return 1;
                }
                if b == b'{' {
                    let problem = std::mem::take(problem);
                    self.state = State::Json {
                        buf: Vec::new(),
                        extent: Extent::default(),
                        problem,
                    };
                    return 0;
                }
                notes.push(format!("ignoring a malformed JSON-RPC frame: {problem}"));
                self.state = State::Scan { matched: 0 };
                0
            }
            State::Json {
                buf,
                extent,
                problem,
            } => {
                let mut used = 0;
                for &b in input {
                    match extent.push(b) {
                        Push::More => {}
                        Push::Done => {
                            buf.push(b);
                            let problem = std::mem::take(problem);
                            let body = std::mem::take(buf);
                            self.state = State::default();
                            process(&body, Some(problem), out, notes);
                            return used + 1;
                        }
                        Push::NotJson => {
                            notes.push(format!("ignoring a malformed JSON-RPC frame: {problem}"));
                            self.skipped += buf.len() as u64;
                            self.state = State::Scan { matched: 0 };
                            return used;
                        }
                    }
                    grow(buf, 1, MAX_BODY + 1);
                    buf.push(b);
                    used += 1;
                    if buf.len() > MAX_BODY {
                        notes.push(format!("ignoring a malformed JSON-RPC frame: {problem}"));
                        self.skipped += buf.len() as u64;
                        self.state = State::Scan { matched: 0 };
                        return used;
                    }
                }
                used
            }
            State::Scan { .. } => self.scan_from(input),
        }
    }

    /// In `Scan`: drop bytes until `Content-Length:` has been seen, then read its header.
    fn scan_from(&mut self, input: &[u8]) -> usize {
        let State::Scan { matched } = &mut self.state else {
            return 0;
        };
        for (i, &b) in input.iter().enumerate() {
            let b = b.to_ascii_lowercase();
            if b == NEEDLE[*matched] {
                *matched += 1;
            } else {
                self.skipped += *matched as u64;
                // No proper prefix of the needle is also its suffix, so restart at 0 or 1.
                *matched = usize::from(b == NEEDLE[0]);
                self.skipped += u64::from(*matched == 0);
            }
            if *matched == NEEDLE.len() {
                self.state = State::Header(Header {
                    line: b"Content-Length:".to_vec(),
                    ..Header::default()
                });
                return i + 1;
            }
        }
        input.len()
    }

    fn header_line(&mut self, raw: &[u8], out: &mut Vec<u8>, notes: &mut Vec<String>) {
        let State::Header(h) = &mut self.state else {
            return;
        };
        let line = raw.strip_suffix(b"\n").unwrap_or(raw);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            if h.lines > 0 {
                let h = std::mem::take(h);
                self.end_of_header(h, out, notes);
            }
            return;
        }
        if self.skipped > 0 {
            notes.push(format!(
                "skipped {} bytes that were not part of a frame",
                self.skipped
            ));
            self.skipped = 0;
        }
        let State::Header(h) = &mut self.state else {
            return;
        };
        match header_field(line) {
            Some((name, value)) => {
                h.lines += 1;
                if name.eq_ignore_ascii_case(b"content-length") {
                    let full = String::from_utf8_lossy(value).trim().to_string();
                    // The log shows only a short start: the rest could be anything.
                    let text: String = full.chars().take(24).collect();
                    let parsed = if !full.is_empty() && full.bytes().all(|b| b.is_ascii_digit()) {
                        full.parse::<u64>()
                            .map_err(|_| format!("Content-Length `{text}` is out of range"))
                    } else {
                        Err(format!("Content-Length `{text}` is not a decimal number"))
                    };
                    match (&h.length, parsed) {
                        (Some(Ok(a)), Ok(b)) if *a != b => {
                            h.problem = Some(format!("two Content-Length headers: {a} and {b}"));
                        }
                        (Some(Ok(_)), _) => {}
                        (_, parsed) => h.length = Some(parsed),
                    }
                }
                if h.lines > MAX_HEADER_LINES {
                    notes.push(format!(
                        "more than {MAX_HEADER_LINES} header lines; looking for the next frame"
                    ));
                    self.state = State::Scan { matched: 0 };
                }
            }
            None if h.length.is_none() => {
                // Junk before a frame: drop it, but a frame may start inside it.
                let lower: Vec<u8> = line.iter().map(u8::to_ascii_lowercase).collect();
                let at = lower.windows(NEEDLE.len()).position(|w| w == NEEDLE);
                self.skipped += at.unwrap_or(raw.len()) as u64;
                *h = Header::default();
                if let Some(at) = at {
                    let mut rest = line[at..].to_vec();
                    rest.push(b'\n');
                    self.header_line(&rest, out, notes);
                }
            }
            None => {
                h.lines += 1;
                // Not shown: a stray piece of a body may hold a secret.
                h.problem.get_or_insert(format!(
                    "a header line ({} bytes) is not `Name: value`",
                    line.len()
                ));
            }
        }
    }

    fn end_of_header(&mut self, h: Header, out: &mut Vec<u8>, notes: &mut Vec<String>) {
        self.state = match h.length {
            Some(Ok(0)) => {
                reject(
                    b"",
                    INVALID_REQUEST,
                    "the body is empty".to_string(),
                    out,
                    notes,
                );
                State::default()
            }
            Some(Ok(n)) if n <= MAX_BODY as u64 => State::Body {
                want: n as usize,
                buf: Vec::with_capacity((n as usize).min(1 << 20)),
                problem: h.problem,
            },
            Some(Ok(n)) => State::Skip {
                left: n,
                prefix: Vec::new(),
                matched: 0,
                tail: None,
                seen: 0,
                problem: h.problem.unwrap_or(format!(
                    "the message is too large ({n} bytes; the limit is {MAX_BODY})"
                )),
            },
            Some(Err(problem)) => State::Unframed { problem },
            None => State::Unframed {
                problem: "the frame has no Content-Length header".to_string(),
            },
        };
    }
}

/// Room for `more` bytes, doubling as usual but never past `limit`, so a body at the cap does
/// not reserve twice the cap.
fn grow(buf: &mut Vec<u8>, more: usize, limit: usize) {
    let need = buf.len() + more;
    if need > buf.capacity() {
        let target = need.max(buf.capacity() * 2).min(limit.max(need));
        buf.reserve_exact(target - buf.len());
    }
}

/// `Name: value` with `Name` an HTTP token.
fn header_field(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = &line[..colon];
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    (!name.is_empty() && name.iter().all(token)).then(|| (name, &line[colon + 1..]))
}

/// A complete body: forward it, repaired if need be, or reject it.
fn process(body: &[u8], problem: Option<String>, out: &mut Vec<u8>, notes: &mut Vec<String>) {
    if let Some(problem) = problem {
        reject(body, INVALID_REQUEST, problem, out, notes);
        return;
    }
    let first = match check(body) {
        Ok(_) => return write_frame(out, body),
        Err(e) => e,
    };
    let Some((fixed, counts)) = repair(body) else {
        return reject(body, first.0, first.1, out, notes);
    };
    match check(&fixed) {
        Ok(method) => {
            notes.push(format!(
                "repaired {}: {} (each character keeps its place)",
                method.map_or("a response".to_string(), |m| format!("`{m}`")),
                counts.describe()
            ));
            write_frame(out, &fixed);
        }
        Err((code, problem)) => reject(&fixed, code, problem, out, notes),
    }
}

/// Log the problem and, when the message is a request whose id can be found, queue its
/// substitute so the client gets an error answer instead of waiting forever.
fn reject(body: &[u8], code: i64, problem: String, out: &mut Vec<u8>, notes: &mut Vec<String>) {
    let id = request_id(body);
    notes.push(format!(
        "ignoring a malformed JSON-RPC frame ({} body bytes{}): {problem}",
        body.len(),
        id.as_ref()
            .map(|id| format!(", answering id {}", id.json()))
            .unwrap_or_default()
    ));
    if let Some(id) = id {
        let msg = serde_json::json!({"jsonrpc": "2.0", "id": id.json(), "method": REJECT_METHOD,
            "params": {"code": code, "message": format!("dstack-lsp: {problem}")}});
        write_frame(out, msg.to_string().as_bytes());
    }
}

fn write_frame(out: &mut Vec<u8>, body: &[u8]) {
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body);
}

/// The whole guard over one input: the frames the server's reader would get, and the log lines.
#[allow(dead_code)] // the entry point of the fuzz target and the unit tests
pub fn sanitize(input: &[u8]) -> (Vec<u8>, Vec<String>) {
    let mut guard = Guard::default();
    let (mut out, mut notes) = (Vec::new(), Vec::new());
    guard.feed(input, &mut out, &mut notes);
    guard.finish(&mut notes);
    (out, notes)
}

#[cfg(test)]
mod tests {
    use super::body::Id;
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

    /// The bodies of the frames in `out`, which must all be well-formed and decodable.
    fn bodies(mut out: &[u8]) -> Vec<String> {
        let mut found = Vec::new();
        while !out.is_empty() {
            let text = String::from_utf8_lossy(out);
            let rest = text.strip_prefix("Content-Length: ").expect("a frame");
            let (len, _) = rest.split_once("\r\n\r\n").expect("a header");
            let len: usize = len.parse().expect("a length");
            let start = "Content-Length: \r\n\r\n".len() + len.to_string().len();
            let body = &out[start..start + len];
            assert!(check(body).is_ok(), "{}", String::from_utf8_lossy(body));
            found.push(String::from_utf8_lossy(body).into_owned());
            out = &out[start + len..];
        }
        found
    }

    fn inputs() -> Vec<Vec<u8>> {
        let hover = r#"{"jsonrpc":"2.0","id":"h","method":"textDocument/hover","params":{}}"#;
        let mut long_line = vec![b'x'; MAX_HEADER_LINE + 10];
        long_line.extend(frame(EXIT).as_bytes());
        vec![
            frame(EXIT).into_bytes(),
            format!("Content-Length: 0x{:x}\r\n\r\n{hover}{}", hover.len(), frame(EXIT)).into_bytes(),
            format!("Content-Type: x\r\n\r\n{hover}\r\n{}", frame(EXIT)).into_bytes(),
            format!("Content-Length: abc\r\n\r\nGARBAGE{}", frame(EXIT)).into_bytes(),
            format!("junk line Content-Length: 33\r\n\r\n{EXIT}").into_bytes(),
            format!("Content-Length: 0\r\n\r\n{}", frame(EXIT)).into_bytes(),
            format!("Content-Length: 34\r\nX-Request-Source: test\r\n\r\n{EXIT}\n").into_bytes(),
            format!("Content-Length: 33\r\nnot a header\r\n\r\n{EXIT}{}", frame(hover)).into_bytes(),
            frame(r#"{"jsonrpc":"2.0","method":"m","params":{"t":"a\ud800b\uDC00\ud83d\ude00\\ud800"}}"#).into_bytes(),
            b"Content-Length: 40\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"t\":\"\xff\xc3\t\"}".to_vec(),
            format!("Content-Length: 99999999999999999999999\r\n\r\n{}", frame(EXIT)).into_bytes(),
            format!("Content-Length: 20\r\n\r\n{{\"jsonrpc\":\"2.0\",\"id\"{}", frame(EXIT)).into_bytes(),
            long_line,
            // A length that lies: the next frame starts inside the announced body.
            format!("Content-Length: 9999999999999\r\n\r\n{hover}{}", frame(EXIT)).into_bytes(),
            // The words inside a string are not a header: skipping goes on.
            format!(
                "Content-Length: 999999999999\r\n\r\n{{\"t\":\"Content-Length: 5\\r\\n\"}}{}",
                frame(EXIT)
            )
            .into_bytes(),
        ]
    }

    #[test]
    fn any_chunking_gives_the_same_frames() {
        for input in inputs() {
            let (whole, whole_notes) = sanitize(&input);
            let mut guard = Guard::default();
            let (mut out, mut notes) = (Vec::new(), Vec::new());
            for b in &input {
                guard.feed(std::slice::from_ref(b), &mut out, &mut notes);
            }
            guard.finish(&mut notes);
            let shown = String::from_utf8_lossy(&input);
            assert_eq!(out, whole, "{shown}");
            assert_eq!(notes, whole_notes, "{shown}");
            bodies(&out);
        }
    }

    #[test]
    fn what_each_input_becomes() {
        let got: Vec<String> = inputs()
            .iter()
            .map(|input| {
                let (out, notes) = sanitize(input);
                format!("{:?}\n  {}\n", bodies(&out), notes.join("\n  "))
            })
            .collect();
        expect_test::expect_file!["frames_cases.txt"].assert_eq(&got.join(""));
    }

    #[test]
    fn recognises_messages() {
        for ok in [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
            r#"{"jsonrpc":"2.0","id":"a","result":null}"#,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"m"}}"#,
            r#"{"jsonrpc":"2.0","method":"exit","params":null}"#,
        ] {
            assert!(check(ok.as_bytes()).is_ok(), "{ok}");
        }
        for bad in [
            "{not json",
            "[]",
            "1",
            r#"{"id":1,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"x"}"#,
            r#"{"jsonrpc":"2.0","method":"x","params":3}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"x","result":1}"#,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"m"}}"#,
            r#"{"jsonrpc":"2.0","id":1}"#,
        ] {
            assert!(check(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn repairs_keep_each_character_in_place() {
        let (fixed, counts) =
            repair(br#"{"t":"a\ud800b\uDC00c\ud83d\ude00\\ud800"}"#).expect("repaired");
        assert_eq!(
            String::from_utf8_lossy(&fixed),
            r#"{"t":"a\uFFFDb\uFFFDc\ud83d\ude00\\ud800"}"#
        );
        assert_eq!(counts.lone_surrogates, 2);
        let (fixed, counts) = repair(b"{\"t\":\"\xff\xe2\x82x\ty\"}").expect("repaired");
        assert_eq!(
            String::from_utf8_lossy(&fixed),
            "{\"t\":\"\u{FFFD}\u{FFFD}\u{FFFD}x\\u0009y\"}"
        );
        assert_eq!((counts.invalid_bytes, counts.control_chars), (3, 1));
        assert_eq!(repair(br#"{"t":"\ud83d\ude00 ok"}"#), None);
    }

    #[test]
    fn the_id_of_a_broken_request_is_found() {
        for (body, id) in [
            (
                r#"{"jsonrpc":"2.0","id":7,"method":"x","params":{"#,
                Some(Id::Number(7)),
            ),
            (
                r#"{"id":"a\"b","params":[1,{"x":"}"}],"#,
                Some(Id::String("a\"b".into())),
            ),
            (r#"{"jsonrpc":"2.0","id":7"#, None),
            (r#"{"jsonrpc":"2.0","id":7,"result":{"#, None),
            (r#"{"jsonrpc":"2.0","id":7,"result":1}"#, None),
            ("GARBAGE", None),
        ] {
            assert_eq!(request_id(body.as_bytes()), id, "{body}");
        }
    }

    #[test]
    fn a_body_buffer_never_reserves_past_its_length() {
        let mut buf = Vec::new();
        let want = 3 * 65536 + 17;
        while buf.len() < want {
            let take = (want - buf.len()).min(65536);
            grow(&mut buf, take, want);
            buf.extend(std::iter::repeat_n(b'a', take));
        }
        assert_eq!(buf.capacity(), want);
    }
}
