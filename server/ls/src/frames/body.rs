//! A frame body as JSON-RPC: is it a message tower-lsp-server accepts ([`check`]), which request
//! id does it carry even when broken ([`request_id`]), and the text repairs that keep an edit
//! ([`repair`]). Pure functions over bytes, like the rest of the frame guard.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// The largest body kept (a 10 MB document is sent JSON-escaped, so leave room). Longer bodies
/// with a numeric length are skipped as they arrive, never held.
pub const MAX_BODY: usize = 256 * 1024 * 1024;

/// JSON-RPC error codes used in the substitutes.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;

/// A message id tower-lsp-server can represent.
#[derive(Clone, Debug, PartialEq)]
pub enum Id {
    Number(i64),
    String(String),
}

impl Id {
    pub fn json(&self) -> Value {
        match self {
            Id::Number(n) => Value::from(*n),
            Id::String(s) => Value::from(s.as_str()),
        }
    }
}

/// The top-level members of an object in order, duplicates kept.
struct Members(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut out = Vec::new();
                while let Some(pair) = map.next_entry::<String, Value>()? {
                    out.push(pair);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn valid_id(v: &Value) -> Option<Id> {
    match v {
        Value::Number(n) => n.as_i64().map(Id::Number),
        Value::String(s) => Some(Id::String(s.clone())),
        _ => None,
    }
}

/// Ok (with the method, if any) when tower-lsp-server decodes `body` as a request, notification
/// or response; else the JSON-RPC error code and why.
pub fn check(body: &[u8]) -> Result<Option<String>, (i64, String)> {
    let members = match serde_json::from_slice::<Members>(body) {
        Ok(m) => m.0,
        // serde's message would quote the value; keep the text out of the log.
        Err(e) if e.is_data() => {
            return Err((INVALID_REQUEST, "the body is not a JSON object".to_string()));
        }
        Err(e) => return Err((PARSE_ERROR, format!("the body is not valid JSON: {e}"))),
    };
    let invalid = |why: &str| Err((INVALID_REQUEST, why.to_string()));
    let get = |key: &str| members.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    for key in ["jsonrpc", "id", "method", "params", "result", "error"] {
        if members.iter().filter(|(k, _)| k == key).count() > 1 {
            return invalid(&format!("the member `{key}` appears twice"));
        }
    }
    if get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid("`jsonrpc` must be \"2.0\"");
    }
    match get("id") {
        None | Some(Value::Null) => {}
        Some(v) if valid_id(v).is_some() => {}
        Some(_) => return invalid("`id` must be a 64-bit integer or a string"),
    }
    let response = get("result").is_some() || get("error").is_some();
    match get("method") {
        Some(Value::String(_)) if response => invalid("a message has both `method` and a result"),
        Some(Value::String(m)) => match get("params") {
            None | Some(Value::Null) | Some(Value::Object(_)) | Some(Value::Array(_)) => {
                Ok(Some(m.clone()))
            }
            Some(_) => invalid("`params` must be an object or an array"),
        },
        Some(_) => invalid("`method` must be a string"),
        None if get("id").is_none() => invalid("a message needs `method` or `id`"),
        None if get("result").is_some() => Ok(None),
        None => match get("error") {
            Some(Value::Object(e))
                if e.get("code").is_some_and(|c| c.as_i64().is_some())
                    && e.get("message").is_some_and(Value::is_string) =>
            {
                Ok(None)
            }
            Some(_) => invalid("`error` must have an integer `code` and a string `message`"),
            None => invalid("a response needs `result` or `error`"),
        },
    }
}

/// The id of a request in `body`, which may be cut off or invalid JSON: the top-level members
/// are read until one fails. Responses get none (they cannot be answered).
pub fn request_id(body: &[u8]) -> Option<Id> {
    if let Ok(Members(members)) = serde_json::from_slice::<Members>(body) {
        let has = |key: &str| members.iter().any(|(k, _)| k == key);
        if !has("method") && (has("result") || has("error")) {
            return None;
        }
        return members
            .iter()
            .find(|(k, _)| k == "id")
            .and_then(|(_, v)| valid_id(v));
    }
    let mut p = Reader { s: body, i: 0 };
    p.ws();
    if !p.eat(b'{') {
        return None;
    }
    let mut id = None;
    loop {
        p.ws();
        let Some(key) = p.string() else {
            break;
        };
        p.ws();
        if !p.eat(b':') {
            break;
        }
        if key == "result" || key == "error" {
            return None;
        }
        p.ws();
        let start = p.i;
        if !p.skip_value() {
            break;
        }
        if key == "id" {
            id = serde_json::from_slice::<Value>(&body[start..p.i])
                .ok()
                .as_ref()
                .and_then(valid_id);
        }
        p.ws();
        if !p.eat(b',') {
            break;
        }
    }
    id
}

/// A lenient reader over possibly broken JSON, for [`request_id`].
struct Reader<'a> {
    s: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }
    fn eat(&mut self, b: u8) -> bool {
        let ok = self.s.get(self.i) == Some(&b);
        self.i += usize::from(ok);
        ok
    }
    /// A complete string, decoded.
    fn string(&mut self) -> Option<String> {
        let start = self.i;
        self.skip_string().then_some(())?;
        serde_json::from_slice(&self.s[start..self.i]).ok()
    }
    fn skip_string(&mut self) -> bool {
        if !self.eat(b'"') {
            return false;
        }
        while let Some(&b) = self.s.get(self.i) {
            self.i += 1;
            match b {
                b'\\' => self.i += 1,
                b'"' => return true,
                _ => {}
            }
        }
        false
    }
    /// Skips a complete value; false when it is cut off or not JSON-like.
    fn skip_value(&mut self) -> bool {
        match self.s.get(self.i) {
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => {
                let mut extent = Extent::default();
                while let Some(&b) = self.s.get(self.i) {
                    self.i += 1;
                    match extent.push(b) {
                        Push::Done => return true,
                        Push::NotJson => return false,
                        Push::More => {}
                    }
                }
                false
            }
            Some(_) => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b))
                {
                    self.i += 1;
                }
                // A scalar at the very end may be cut off.
                self.i > start && self.i < self.s.len()
            }
            None => false,
        }
    }
}

/// What [`repair`] replaced.
#[derive(Debug, Default, PartialEq)]
pub struct Repairs {
    pub invalid_bytes: usize,
    pub lone_surrogates: usize,
    pub control_chars: usize,
}

impl Repairs {
    pub fn describe(&self) -> String {
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let mut replaced = Vec::new();
        if self.invalid_bytes > 0 {
            replaced.push(count(self.invalid_bytes, "invalid UTF-8 byte"));
        }
        if self.lone_surrogates > 0 {
            replaced.push(count(self.lone_surrogates, "lone surrogate"));
        }
        let mut parts = Vec::new();
        if !replaced.is_empty() {
            parts.push(format!("{} replaced by U+FFFD", replaced.join(" and ")));
        }
        if self.control_chars > 0 {
            parts.push(format!(
                "{} escaped",
                count(self.control_chars, "raw control character")
            ));
        }
        parts.join(", ")
    }
}

/// Make text the JSON layer rejects decodable, keeping every character's place: each invalid
/// UTF-8 byte becomes one U+FFFD (a client that sent raw bytes counts each as one character),
/// each lone surrogate escape `\uD800`–`\uDFFF` becomes `\uFFFD` (one UTF-16 unit for one), and
/// a raw control character inside a string becomes its `\u00XX` escape (the same character).
/// With UTF-8 positions a lone surrogate stays right too (a JavaScript client encodes it as
/// U+FFFD, 3 bytes), but a replaced invalid byte is 3 bytes where the client counted 1: later
/// columns on that line are off by 2 per byte (lines are unaffected). None when nothing needed
/// repair.
pub fn repair(body: &[u8]) -> Option<(Vec<u8>, Repairs)> {
    let mut counts = Repairs::default();
    let mut text = Vec::with_capacity(body.len());
    let mut rest = body;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                text.extend_from_slice(s.as_bytes());
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                let bad = e.error_len().unwrap_or(rest.len() - good);
                text.extend_from_slice(&rest[..good]);
                for _ in 0..bad {
                    text.extend_from_slice("\u{FFFD}".as_bytes());
                }
                counts.invalid_bytes += bad;
                rest = &rest[good + bad..];
            }
        }
        if text.len() > MAX_BODY {
            return None;
        }
    }
    let mut out = Vec::with_capacity(text.len());
    let mut in_string = false;
    let mut i = 0;
    while i < text.len() {
        if out.len() > MAX_BODY {
            return None;
        }
        let b = text[i];
        if !in_string {
            in_string = b == b'"';
            out.push(b);
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = false;
                out.push(b);
                i += 1;
            }
            b'\\' if text.get(i + 1) == Some(&b'u') => {
                let unit = hex4(&text[i + 2..]);
                match unit {
                    Some(0xD800..=0xDBFF)
                        if text.get(i + 6) == Some(&b'\\')
                            && text.get(i + 7) == Some(&b'u')
                            && matches!(
                                hex4(&text[(i + 8).min(text.len())..]),
                                Some(0xDC00..=0xDFFF)
                            ) =>
                    {
                        out.extend_from_slice(&text[i..i + 12]);
                        i += 12;
                    }
                    Some(0xD800..=0xDFFF) => {
                        out.extend_from_slice(b"\\uFFFD");
                        counts.lone_surrogates += 1;
                        i += 6;
                    }
                    _ => {
                        out.extend_from_slice(&text[i..(i + 2).min(text.len())]);
                        i += 2;
                    }
                }
            }
            b'\\' => {
                out.extend_from_slice(&text[i..(i + 2).min(text.len())]);
                i += 2;
            }
            0..=0x1f => {
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                counts.control_chars += 1;
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    if out.len() > MAX_BODY {
        return None;
    }
    (counts != Repairs::default()).then_some((out, counts))
}

fn hex4(s: &[u8]) -> Option<u32> {
    let digits = s.get(..4)?;
    let text = std::str::from_utf8(digits).ok()?;
    u32::from_str_radix(text, 16)
        .ok()
        .filter(|_| digits.iter().all(u8::is_ascii_hexdigit))
}

/// Where a JSON value without a length ends. Stops early on bytes no JSON value holds there, so
/// a following `Content-Length:` header is found instead of being swallowed.
#[derive(Debug, Default)]
pub struct Extent {
    depth: usize,
    in_string: bool,
    escaped: bool,
}

pub enum Push {
    More,
    Done,
    NotJson,
}

impl Extent {
    pub fn push(&mut self, b: u8) -> Push {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            } else if b == b'\n' || b == b'\r' {
                return Push::NotJson;
            }
            return Push::More;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0 {
                    return Push::Done;
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' | b':' | b',' | b'0'..=b'9' | b'-' | b'+' | b'.' => {}
            b'e' | b'E' | b't' | b'r' | b'u' | b'f' | b'a' | b'l' | b's' | b'n' => {}
            _ => return Push::NotJson,
        }
        Push::More
    }
}
