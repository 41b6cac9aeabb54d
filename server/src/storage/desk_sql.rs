//! SQL text both backends build the same way.

/// A case-insensitive substring pattern for `LOWER(column) LIKE ? ESCAPE '\'`, with the
/// user's `%`, `_` and `\` taken literally.
pub(crate) fn like_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for ch in search.trim().to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards_are_literal() {
        assert_eq!(super::like_pattern(" Wrap_5% "), "%wrap\\_5\\%%");
    }
}
