//! GitHub-flavoured Markdown pieces for the matrix: tables padded so that their raw text lines
//! up (it is read in diffs as much as rendered), cell text that cannot break a table, and
//! code spans for free text.

/// A table: a header row and body rows of the same length.
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The columns `text` takes in a monospace font: the matrix's emoji take two, the emoji
/// variation selector none, everything else one.
pub fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\u{FE0F}' => 0,
            '\u{2705}' | '\u{274C}' | '\u{2796}' | '\u{23F1}' | '\u{26D4}' => 2,
            c if c >= '\u{1F300}' => 2,
            _ => 1,
        })
        .sum()
}

/// `text` made safe for a table cell: `|` escaped, line breaks as spaces.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// `text` as a code span, fenced with more backticks than it holds in a row.
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

impl Table {
    /// The table's lines, each cell padded to its column's width, then a newline.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.header.iter().map(|h| width(h).max(3)).collect();
        for row in &self.rows {
            for (w, text) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(text));
            }
        }
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(text, &w)| format!("{text}{}", " ".repeat(w.saturating_sub(width(text)))))
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let mut text = line(&self.header);
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        text.push_str(&format!("|-{}-|\n", rule.join("-|-")));
        for row in &self.rows {
            text.push_str(&line(row));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_line_up_and_text_stays_inside() {
        let table = Table {
            header: vec!["case".into(), "a 1.1".into()],
            rows: vec![vec!["x.long_case".into(), "❌ F1".into()], vec!["y".into(), "⏱\u{FE0F}".into()]],
        };
        assert_eq!(
            table.render(),
            "| case        | a 1.1 |\n|-------------|-------|\n| x.long_case | ❌ F1 |\n| y           | ⏱\u{FE0F}    |\n"
        );
        assert_eq!(width("✅ 3/3"), 6);
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(code("w0 0x1"), "`w0 0x1`");
        assert_eq!(code("a `b` c"), "``a `b` c``");
        assert_eq!(code("`x`"), "`` `x` ``");
    }
}
