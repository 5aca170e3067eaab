//! `dstack-lsp check`: the linter. Finds dstack files, analyses them, prints diagnostics
//! as human text (rustc/ruff style), JSON, SARIF 2.1.0 or GitHub workflow annotations.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dstack_ide as ide;
use ropey::Rope;
use serde_json::json;

use crate::files;
use crate::position::{Encoding, Positions};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

struct Options {
    format: Format,
    warnings_as_errors: bool,
    color: bool,
    paths: Vec<PathBuf>,
}

/// One diagnostic with everything the printers need, positions already converted.
pub(crate) struct Finding {
    file: String,
    /// 0-based line, and character in UTF-16 code units (LSP's default).
    start: (u32, u32),
    end: (u32, u32),
    pub(crate) severity: ide::Severity,
    code: &'static str,
    message: String,
    /// 0-based char column of the start in the whole line.
    col: usize,
    /// The source line, or an excerpt of a long one with `…` marks.
    source_line: String,
    /// 0-based char columns of the caret span on `source_line`.
    caret: (usize, usize),
}

/// A long line is shown as this many characters around the range, so that a 1 MB line prints
/// a few hundred bytes, not the line plus a million carets.
const EXCERPT_CHARS: usize = 200;

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut opts = Options {
        format: Format::Human,
        warnings_as_errors: false,
        color: false,
        paths: Vec::new(),
    };
    let mut color = "auto".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        match flag {
            "--format" | "-f" => {
                let v = inline
                    .or_else(|| it.next().cloned())
                    .ok_or("--format needs a value")?;
                opts.format = match v.as_str() {
                    "human" | "text" => Format::Human,
                    "json" => Format::Json,
                    "sarif" => Format::Sarif,
                    "github" => Format::Github,
                    _ => {
                        return Err(format!(
                            "unknown format `{v}` (expected human, json, sarif or github)"
                        ));
                    }
                };
            }
            "--color" => {
                color = inline
                    .or_else(|| it.next().cloned())
                    .ok_or("--color needs a value")?
            }
            "--warnings-as-errors" => opts.warnings_as_errors = true,
            "--" => opts.paths.extend(it.by_ref().map(PathBuf::from)),
            f if f.starts_with('-') && f.len() > 1 => return Err(format!("unknown option `{f}`")),
            _ => opts.paths.push(PathBuf::from(a)),
        }
    }
    opts.color = match color.as_str() {
        "always" => true,
        "never" => false,
        "auto" => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        other => return Err(format!("unknown --color value `{other}`")),
    };
    if opts.paths.is_empty() {
        opts.paths.push(PathBuf::from("."));
    }
    Ok(opts)
}

/// What `check` will read, and what it could not look at.
struct Discovered {
    files: Vec<PathBuf>,
    /// Something that may hold configurations was not read: exit status 2.
    failed: bool,
}

/// Collect dstack files: explicit files always, directories searched recursively. Problems go
/// to stderr, one line each: an explicit path or an unreadable directory inside a searched tree
/// fails the run (a CI check must not pass over files it never saw); a FIFO or device that
/// merely has a dstack name, and an ignore file that could not be read, are only noted.
fn discover(paths: &[PathBuf]) -> Discovered {
    let mut out = Discovered {
        files: Vec::new(),
        failed: false,
    };
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => {
                eprintln!("dstack-lsp check: {}: {e}", p.display());
                out.failed = true;
            }
            Ok(meta) if meta.is_dir() => {
                let walk = files::walk(p, files::WalkLimits::CLI);
                for problem in &walk.problems {
                    let what = if problem.unreadable { "" } else { "note: " };
                    let path = problem.path.display();
                    eprintln!("dstack-lsp check: {what}{path}: {}", problem.message);
                    out.failed |= problem.unreadable;
                }
                if let Some(why) = walk.capped {
                    eprintln!("dstack-lsp check: {}: {why}", p.display());
                    out.failed = true;
                }
                out.files.extend(walk.files);
            }
            // Regular or not, an explicit path is read (or refused) by `read_bounded`.
            Ok(_) => out.files.push(p.clone()),
        }
    }
    out.files.sort();
    out.files.dedup();
    out
}

pub(crate) fn analyse(path: &Path, text: String) -> Vec<Finding> {
    let file = path.to_string_lossy().to_string();
    let rope = Rope::from_str(&text);
    let p16 = Positions::new(&rope, Encoding::Utf16);
    let doc = ide::Document::new(text);
    let diags = ide::diagnostics(&doc, &ide::AnalysisConfig::default());
    diags
        .into_iter()
        .map(|d| {
            let s = p16.to_line_col(d.range.start);
            let e = p16.to_line_col(d.range.end);
            let line_idx = (s.line as usize).min(rope.len_lines().saturating_sub(1));
            // Rope indices only: a finding on a huge line costs O(log n), not the line.
            let line = rope.line(line_idx);
            let mut len = line.len_chars();
            while len > 0 && matches!(line.char(len - 1), '\n' | '\r') {
                len -= 1;
            }
            let first = rope.line_to_char(line_idx);
            let col = |byte: u32| {
                let byte = (byte as usize).min(rope.len_bytes());
                rope.byte_to_char(byte).saturating_sub(first).min(len)
            };
            let c0 = col(d.range.start);
            let c1 = if e.line == s.line {
                col(d.range.end)
            } else {
                len
            };
            let (source_line, caret) = excerpt(line.slice(..len), (c0, c1.max(c0 + 1)));
            Finding {
                file: file.clone(),
                start: (s.line, s.character),
                end: (e.line, e.character),
                severity: d.severity,
                code: d.code,
                message: d.message,
                col: c0,
                source_line,
                caret,
            }
        })
        .collect()
}

/// The line, or at most `EXCERPT_CHARS` characters of it around the caret span with `…` where
/// it was cut; the caret span is moved onto the excerpt and cut to it.
fn excerpt(line: ropey::RopeSlice<'_>, caret: (usize, usize)) -> (String, (usize, usize)) {
    let len = line.len_chars();
    if len <= EXCERPT_CHARS {
        return (line.to_string(), caret);
    }
    let width = (caret.1 - caret.0).min(EXCERPT_CHARS / 2);
    let start = caret
        .0
        .saturating_sub((EXCERPT_CHARS - width) / 2)
        .min(len - EXCERPT_CHARS);
    let end = start + EXCERPT_CHARS;
    let mut text = String::new();
    let shift = if start > 0 {
        text.push('…');
        1
    } else {
        0
    };
    text.push_str(&line.slice(start..end).to_string());
    if end < len {
        text.push('…');
    }
    let c0 = caret.0 - start + shift;
    let c1 = (caret.1.min(end + 1) - start + shift).max(c0 + 1);
    (text, (c0, c1))
}

pub fn run(args: &[String]) -> ExitCode {
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("dstack-lsp check: {e}");
            return ExitCode::from(2);
        }
    };
    let Discovered { files, failed } = discover(&opts.paths);
    let mut findings = Vec::new();
    let mut not_read = 0;
    for f in &files {
        match files::read_bounded(f, files::MAX_READ_BYTES) {
            Ok(bytes) => findings.extend(analyse(f, String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) => {
                eprintln!("dstack-lsp check: {}: {e}", f.display());
                not_read += 1;
            }
        }
    }
    let io_error = failed || not_read > 0;
    if io_error {
        eprintln!("dstack-lsp check: some paths could not be checked (exit status 2)");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let printed = match opts.format {
        Format::Human => print_human(&mut out, &findings, files.len() - not_read, opts.color),
        Format::Json => print_json(&mut out, &findings),
        Format::Sarif => print_sarif(&mut out, &findings),
        Format::Github => print_github(&mut out, &findings),
    };
    if printed.is_err() || io_error {
        return ExitCode::from(2);
    }
    let (errors, warnings) = counts(&findings);
    if errors > 0 || (opts.warnings_as_errors && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Numbers of errors and warnings.
fn counts(findings: &[Finding]) -> (usize, usize) {
    let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
    (count(ide::Severity::Error), count(ide::Severity::Warning))
}

pub(crate) fn print_human(
    out: &mut impl Write,
    findings: &[Finding],
    n_files: usize,
    color: bool,
) -> std::io::Result<()> {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    for f in findings {
        let (sev, c) = match f.severity {
            ide::Severity::Error => ("error", "1;31"),
            ide::Severity::Warning => ("warning", "1;33"),
            ide::Severity::Information => ("info", "1;36"),
            ide::Severity::Hint => ("hint", "1;36"),
        };
        let lineno = (f.start.0 + 1).to_string();
        let pad = " ".repeat(lineno.len());
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            visible(&f.file),
            f.start.0 + 1,
            f.col + 1,
            paint(c, &format!("{sev}[{}]", f.code)),
            visible(&f.message)
        )?;
        writeln!(out, "{pad} {}", paint("34", "|"))?;
        writeln!(
            out,
            "{} {} {}",
            paint("34", &lineno),
            paint("34", "|"),
            visible(&f.source_line)
        )?;
        let carets = format!(
            "{}{}",
            " ".repeat(f.caret.0),
            "^".repeat(f.caret.1 - f.caret.0)
        );
        writeln!(out, "{pad} {} {}", paint("34", "|"), paint(c, &carets))?;
        writeln!(out)?;
    }
    let (errors, warnings) = counts(findings);
    let files = if n_files == 1 { "file" } else { "files" };
    writeln!(
        out,
        "Checked {n_files} {files}: {errors} error(s), {warnings} warning(s)"
    )
}

/// `s` with control characters shown as symbols (`␛` for ESC, `␉` for a tab, `�` for the C1
/// range), one character for one, so carets stay aligned and the file cannot drive the terminal.
fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars()
        .map(|c| match c as u32 {
            0..0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            0x7f => '\u{2421}',
            _ if c.is_control() => '\u{FFFD}',
            _ => c,
        })
        .collect::<String>()
        .into()
}

fn print_json(out: &mut impl Write, findings: &[Finding]) -> std::io::Result<()> {
    let arr: Vec<_> = findings
        .iter()
        .map(|f| {
            json!({
                "file": f.file,
                "range": {
                    "start": {"line": f.start.0, "character": f.start.1},
                    "end": {"line": f.end.0, "character": f.end.1},
                },
                "severity": f.severity.as_str(),
                "code": f.code,
                "message": f.message,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &arr)?;
    writeln!(out)
}

fn print_sarif(out: &mut impl Write, findings: &[Finding]) -> std::io::Result<()> {
    let mut codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let results: Vec<_> = findings
        .iter()
        .map(|f| {
            json!({
                "ruleId": f.code,
                "level": match f.severity {
                    ide::Severity::Error => "error",
                    ide::Severity::Warning => "warning",
                    _ => "note",
                },
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file.replace('\\', "/")},
                        "region": {
                            "startLine": f.start.0 + 1,
                            "startColumn": f.start.1 + 1,
                            "endLine": f.end.0 + 1,
                            "endColumn": f.end.1 + 1,
                        }
                    }
                }]
            })
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "dstack-lsp",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/dstack-lsp/dstack-lsp",
                "rules": codes.iter().map(|c| json!({"id": c})).collect::<Vec<_>>(),
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}

/// GitHub workflow commands; `%`, CR and LF must be escaped in messages and properties.
fn print_github(out: &mut impl Write, findings: &[Finding]) -> std::io::Result<()> {
    fn esc(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn esc_prop(s: &str) -> String {
        esc(s).replace(':', "%3A").replace(',', "%2C")
    }
    for f in findings {
        let level = match f.severity {
            ide::Severity::Error => "error",
            ide::Severity::Warning => "warning",
            _ => "notice",
        };
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            esc_prop(&f.file),
            f.start.0 + 1,
            f.col + 1,
            f.end.0 + 1,
            f.end.1 + 1,
            esc_prop(&format!("dstack {}", f.code)),
            esc(&f.message)
        )?;
    }
    Ok(())
}
