//! dstack value syntaxes: one module per syntax, each with its parser, hover text and completions side by side.
