//! Descriptions from the document become doc comments that rustdoc renders without warnings and
//! never runs as doctests. Descriptions are Markdown-ish prose written for other renderers:
//! brackets that rustdoc would take for intra-doc links, `<placeholders>` it would take for HTML,
//! bare URLs, code fences and indented blocks it would compile as Rust.

use proc_macro2::TokenStream;
use quote::quote;

/// Outer doc attributes (`///`) for `text`.
pub fn outer(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #[doc = #lines] )* }
}

/// Outer doc attributes for text the generator wrote itself (already rustdoc-safe, and free to
/// use intra-doc links), unlike descriptions from the document.
pub fn own(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// Inner doc attributes for text the generator wrote itself (see [`own`]).
pub fn own_inner(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #![doc = #lines] )* }
}

/// Inner doc attributes (`//!`) for `text`.
pub fn inner(text: &str) -> TokenStream {
    let lines = sanitize(text);
    quote! { #( #![doc = #lines] )* }
}

/// Outer doc attributes for an optional description followed by notes of the generator's own
/// (already rustdoc-safe), separated by a blank line.
pub fn outer_with_notes(description: Option<&str>, notes: &[String]) -> TokenStream {
    let mut lines = description.map(sanitize).unwrap_or_default();
    for note in notes {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(note.lines().map(|l| format!(" {l}")));
    }
    quote! { #( #[doc = #lines] )* }
}

/// Doc lines (each with the leading space that `///` would have) for a description.
pub fn sanitize(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    // Where the text of the list item being continued starts, if any.
    let mut list_item: Option<usize> = None;
    let mut after_blank = false;
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(marker) = fence.clone() {
            if trimmed.starts_with(marker.as_str()) {
                fence = None;
                out.push(marker);
            } else {
                out.push(line.to_string());
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            // A fence is compiled as Rust unless its info string says otherwise: mark it text.
            let marker: String = trimmed
                .chars()
                .take_while(|c| *c == '`' || *c == '~')
                .collect();
            fence = Some(marker.clone());
            list_item = None;
            out.push(format!("{marker}text"));
            continue;
        }
        // Four spaces of indent would start an indented code block, also compiled as Rust.
        let indent = match line.len() - trimmed.len() {
            n if n >= 4 => 0,
            n => n,
        };
        if trimmed.is_empty() {
            after_blank = true;
            out.push(String::new());
            continue;
        }
        let blank_before = std::mem::replace(&mut after_blank, false);
        if let Some(marker) = list_marker(trimmed) {
            list_item = Some(indent + marker);
        } else if let Some(content) = list_item {
            if blank_before && indent == 0 {
                // An unindented paragraph after a blank line ends the list.
                list_item = None;
            } else {
                // A line that continues a list item is indented to the item's text, as
                // rustdoc (and clippy) expect, neither less nor more.
                out.push(format!("{}{}", " ".repeat(content), escape_inline(trimmed)));
                continue;
            }
        }
        out.push(format!("{}{}", " ".repeat(indent), escape_inline(trimmed)));
    }
    if let Some(marker) = fence {
        out.push(marker);
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.into_iter()
        .map(|l| if l.is_empty() { l } else { format!(" {l}") })
        .collect()
}

/// The width of the list marker that starts `line` with the spaces after it (`- `, `*  `,
/// `1. `, `2) `): where the item's text starts.
fn list_marker(line: &str) -> Option<usize> {
    let marker = if line.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        let rest = &line[digits..];
        if digits == 0 || digits >= 10 || !rest.starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let spaces = line[marker..].chars().take_while(|c| *c == ' ').count();
    // One to four spaces, then text; five or more make the text an indented code block.
    (1..=4)
        .contains(&spaces)
        .then_some(marker + spaces)
        .filter(|&w| w < line.len())
}

/// Escapes one line of prose outside code spans: brackets (intra-doc links), angle brackets
/// (HTML tags), and wraps bare URLs in `<...>`. Markdown links to URLs and code spans are kept.
fn escape_inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                let run = chars[i..].iter().take_while(|c| **c == '`').count();
                match find_closing_run(&chars, i + run, run) {
                    Some(end) => {
                        out.extend(&chars[i..end + run]);
                        i = end + run;
                    }
                    None => {
                        for _ in 0..run {
                            out.push_str("\\`");
                        }
                        i += run;
                    }
                }
            }
            '[' => {
                if let Some((text_end, url_end)) = markdown_link(&chars, i) {
                    out.push('[');
                    out.push_str(&escape_inline(
                        &chars[i + 1..text_end].iter().collect::<String>(),
                    ));
                    out.push_str("](");
                    out.extend(&chars[text_end + 2..url_end]);
                    out.push(')');
                    i = url_end + 1;
                } else {
                    out.push_str("\\[");
                    i += 1;
                }
            }
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            '<' => {
                if let Some(end) = autolink(&chars, i) {
                    out.extend(&chars[i..=end]);
                    i = end + 1;
                } else {
                    out.push_str("&lt;");
                    i += 1;
                }
            }
            '>' => {
                out.push_str("&gt;");
                i += 1;
            }
            '\\' => {
                // A backslash escape of the source stays an escape; a lone one is literal.
                out.push_str("\\\\");
                i += 1;
            }
            'h' if starts_url(&chars, i) => {
                let end = url_end(&chars, i);
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn find_closing_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let len = chars[i..].iter().take_while(|c| **c == '`').count();
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// `[text](http...)` starting at `open`: the index of `]` and of the closing `)`.
fn markdown_link(chars: &[char], open: usize) -> Option<(usize, usize)> {
    let close = open + chars[open..].iter().position(|c| *c == ']')?;
    if chars.get(close + 1) != Some(&'(') || !starts_url(chars, close + 2) {
        return None;
    }
    let end = close
        + 2
        + chars[close + 2..]
            .iter()
            .position(|c| *c == ')' || c.is_whitespace())?;
    (chars[end] == ')' && !chars[open + 1..close].contains(&'[')).then_some((close, end))
}

/// `<http...>` starting at `open`: the index of `>`.
fn autolink(chars: &[char], open: usize) -> Option<usize> {
    if !starts_url(chars, open + 1) {
        return None;
    }
    let end = open
        + 1
        + chars[open + 1..]
            .iter()
            .position(|c| *c == '>' || c.is_whitespace() || *c == '<')?;
    (chars[end] == '>').then_some(end)
}

fn starts_url(chars: &[char], at: usize) -> bool {
    let rest: String = chars[at.min(chars.len())..].iter().take(9).collect();
    (rest.starts_with("http://") && rest.len() > 7)
        || (rest.starts_with("https://") && rest.len() > 8)
}

/// The end (exclusive) of a bare URL: it stops at whitespace, at characters that cannot be in
/// one unescaped, and before trailing punctuation that belongs to the sentence.
fn url_end(chars: &[char], start: usize) -> usize {
    let mut end = start;
    while end < chars.len()
        && !chars[end].is_whitespace()
        && !matches!(
            chars[end],
            '<' | '>' | '"' | '`' | '[' | ']' | '{' | '}' | '|' | '\\' | '^'
        )
    {
        end += 1;
    }
    while end > start {
        let last = chars[end - 1];
        let url = &chars[start..end];
        // Keep a `)` that closes a `(` inside the URL (Wikipedia-style links).
        let closes_own_paren = last == ')'
            && url.iter().filter(|c| **c == '(').count()
                >= url.iter().filter(|c| **c == ')').count();
        if closes_own_paren || !matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | ')') {
            break;
        }
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> String {
        sanitize(text).join("\n")
    }

    #[test]
    fn brackets_html_and_urls() {
        assert_eq!(
            one("See [LOG_ID][LOG_ID] and <project-id>."),
            " See \\[LOG_ID\\]\\[LOG_ID\\] and &lt;project-id&gt;."
        );
        assert_eq!(
            one("Go to https://example.com/x."),
            " Go to <https://example.com/x>."
        );
        assert_eq!(
            one("a [guide](https://cloud.google.com/apis/design/errors)."),
            " a [guide](https://cloud.google.com/apis/design/errors)."
        );
        assert_eq!(
            one("(https://example.com/a_(b))"),
            " (<https://example.com/a_(b)>)"
        );
        assert_eq!(
            one("keep <https://a.b/c> as is"),
            " keep <https://a.b/c> as is"
        );
    }

    #[test]
    fn code_is_kept_and_never_a_doctest() {
        assert_eq!(
            one("use `projects/*/x[0]` here"),
            " use `projects/*/x[0]` here"
        );
        assert_eq!(one("odd ` tick"), " odd \\` tick");
        assert_eq!(
            one("x\n```\nfn main() {}\n```"),
            " x\n ```text\n fn main() {}\n ```"
        );
        assert_eq!(one("x\n\n    indented code"), " x\n\n indented code");
    }

    #[test]
    fn line_endings_and_blank_edges() {
        assert_eq!(sanitize("\n\na\r\nb\rc\n\n"), vec![" a", " b", " c"]);
    }

    #[test]
    fn list_continuations_are_indented_to_the_item_text() {
        let text = "Kinds:\n- one\nlazy continuation\n-  two\n        overindented\n\n   after a blank\nlazy again\n\nA new paragraph.";
        assert_eq!(
            sanitize(text),
            [
                " Kinds:",
                " - one",
                "   lazy continuation",
                " -  two",
                "    overindented",
                "",
                "    after a blank",
                "    lazy again",
                "",
                " A new paragraph.",
            ]
        );
    }
}
