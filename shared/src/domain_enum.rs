//! Closed sets of words (reason codes, statuses, units of a response…) as Rust enums.
//!
//! The validator must name the unknown word *and* list the accepted ones, and serde must
//! spell them the same way, so one macro writes the enum, its serde names and its table.

/// An enum whose JSON form is one of a fixed set of strings.
pub trait DomainEnum: Copy + 'static {
    /// What one value is called in messages, e.g. `"reason code"`.
    const WHAT: &'static str;
    /// Every value, in the order the messages list them.
    const ALL: &'static [Self];
    /// The JSON spelling.
    fn as_str(self) -> &'static str;

    /// The value spelled `text`, if any.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == text)
    }
}

/// Declares an enum serialised as strings, implementing [`DomainEnum`].
macro_rules! domain_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[cfg_attr(any(test, feature = "typescript"), derive(ts_rs::TS))]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $crate::domain_enum::DomainEnum for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::domain_enum::DomainEnum::as_str(*self))
            }
        }
    };
}

pub(crate) use domain_enum;
