//! The YAML layer: `parse` never panics and keeps every range inside the text; after each edit
//! `reparse(previous, new)` equals `parse(new)`; `cursor_context` answers at any offset with a
//! replace range inside the text.

#![no_main]

use dstack_fuzz::{Case, Edit, assert_range, check_parse, probe_offsets, render};
use dstack_syntax::{Parse, cursor_context, parse, reparse};
use libfuzzer_sys::fuzz_target;

fn check_cursor(text: &str, parse: &Parse, extra: &[usize]) {
    for offset in probe_offsets(text, extra) {
        let c = cursor_context(text, parse, offset);
        assert_range(text, c.replace, "cursor_context replace");
        assert!(
            c.partial.len() <= text.len(),
            "partial longer than the text"
        );
    }
}

fuzz_target!(|case: Case<Edit>| {
    let mut text = case.text;
    let mut prev = parse(&text);
    check_parse(&text, &prev);
    check_cursor(&text, &prev, &[]);
    for edit in &case.ops {
        let (next, at) = edit.apply(&text);
        text = next;
        let incremental = reparse(&prev, &text);
        let full = parse(&text);
        assert_eq!(
            render(&incremental),
            render(&full),
            "reparse differs from parse after {edit:?} on {text:?}"
        );
        check_parse(&text, &full);
        check_cursor(&text, &full, &[at, at + 1]);
        prev = incremental;
    }
});
