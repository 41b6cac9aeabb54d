//! Garbage in, problems out, never a panic.
//!
//! A small deterministic generator instead of proptest: it mutates the valid examples
//! (so the garbage reaches deep validators, not only the root check) and also throws
//! plain random JSON. Deterministic seeds make a failure reproducible from its output.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::{Map, Value, json};

use crate::examples::all_example_json;
use crate::limits::MAX_PROBLEMS;
use crate::validate;

/// splitmix64: tiny, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "",
    " ",
    "A-01|SKU-9",
    "A-01-01",
    "SKU-9",
    "brokn",
    "damaged",
    "count_session",
    "site",
    "00000000-0000-4000-8000-000000000001",
    "2026-11-25T09:53:17.000Z",
    "2026-02-30T00:00:00Z",
    "null",
    "ü\u{0}\u{202e}",
    "inbound",
    "check",
    "pass",
    "image/png",
    "🦀🦀🦀",
    "-1",
    "1e400",
];

fn random_scalar(rng: &mut Rng) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(rng.next()),
        3 => json!(-(rng.below(1_000_000) as i64)),
        4 => json!(rng.below(100) as f64 / 7.0),
        5 => json!(f64::MAX),
        6 => json!(i64::MIN),
        7 => json!("x".repeat(rng.below(3) * 600)),
        _ => json!(WORDS[rng.below(WORDS.len())]),
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    if depth == 0 || rng.below(3) == 0 {
        return random_scalar(rng);
    }
    let len = rng.below(5);
    if rng.below(2) == 0 {
        Value::Array((0..len).map(|_| random_value(rng, depth - 1)).collect())
    } else {
        let map: Map<String, Value> = (0..len)
            .map(|_| {
                (
                    WORDS[rng.below(WORDS.len())].to_owned(),
                    random_value(rng, depth - 1),
                )
            })
            .collect();
        Value::Object(map)
    }
}

/// Nesting far beyond the depth limit, built without recursion.
fn deep(levels: usize) -> Value {
    let mut value = json!(0);
    for i in 0..levels {
        value = if i % 2 == 0 {
            Value::Array(vec![value])
        } else {
            json!({ "x": value })
        };
    }
    value
}

/// A random node of `value` (possibly the root), reached by walking down at random.
fn random_node<'v>(rng: &mut Rng, value: &'v mut Value) -> &'v mut Value {
    // Choose the path on a shared borrow, then take one mutable borrow of its end.
    let mut pointer = String::new();
    let mut node: &Value = value;
    while rng.below(8) != 0 {
        let (step, child) = match node {
            Value::Array(list) if !list.is_empty() => {
                let i = rng.below(list.len());
                (i.to_string(), &list[i])
            }
            Value::Object(map) if !map.is_empty() => {
                let Some((key, child)) = map.iter().nth(rng.below(map.len())) else {
                    break;
                };
                (key.replace('~', "~0").replace('/', "~1"), child)
            }
            _ => break,
        };
        pointer.push('/');
        pointer.push_str(&step);
        node = child;
    }
    match value.pointer_mut(&pointer) {
        Some(node) => node,
        None => unreachable!("the pointer was just walked"),
    }
}

fn mutate(rng: &mut Rng, value: &mut Value) {
    let node = random_node(rng, value);
    match rng.below(10) {
        0 => *node = deep(40 + rng.below(200)),
        1 => *node = json!("y".repeat(1 << 20)),
        2 => {
            if let Value::Object(map) = node {
                let i = rng.below(map.len());
                let key = map.keys().nth(i).cloned().unwrap_or_default();
                map.remove(&key);
            }
        }
        3 => {
            if let Value::Array(list) = node
                && let Some(first) = list.first().cloned()
            {
                list.push(first); // a duplicated id
            }
        }
        4 => {
            if let Value::Object(map) = node {
                let i = rng.below(map.len());
                if let Some(key) = map.keys().nth(i).cloned()
                    && let Some(moved) = map.remove(&key)
                {
                    map.insert(format!("{key}|x"), moved);
                }
            }
        }
        5..=6 => *node = random_scalar(rng),
        _ => *node = random_value(rng, 4),
    }
}

/// Validates `value`; fails with the input (cut short) on a panic or a bad report.
fn check(value: &Value, seed: u64) {
    let shown = || {
        let text = value.to_string();
        text.chars().take(2_000).collect::<String>()
    };
    let Ok(result) = catch_unwind(AssertUnwindSafe(|| validate(value))) else {
        panic!("validate panicked (seed {seed}) on {}", shown());
    };
    match result {
        Ok(document) => {
            // What passed must pass again from its own serialisation, unchanged.
            assert_eq!(
                validate(&document.to_json()).ok(),
                Some(document),
                "seed {seed}"
            );
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "seed {seed}");
            assert!(problems.len() <= MAX_PROBLEMS + 1, "seed {seed}");
            for problem in &problems {
                assert!(!problem.message.is_empty(), "seed {seed}: {problem}");
                assert!(
                    problem.to_string().len() < 2_000,
                    "seed {seed}: {}",
                    shown()
                );
            }
        }
    }
}

#[test]
fn mutated_examples_never_panic() {
    let examples = all_example_json();
    for seed in 0..4_000_u64 {
        let mut rng = Rng(seed);
        let mut value = examples[rng.below(examples.len())].clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut value);
        }
        check(&value, seed);
    }
}

#[test]
fn random_json_never_panics() {
    for seed in 0..3_000_u64 {
        let mut rng = Rng(seed);
        let mut value = random_value(&mut rng, 6);
        if rng.below(2) == 0 {
            // Give it a real type so the document readers run on garbage fields.
            let kinds = [
                "site",
                "count_session",
                "checklist_run",
                "shipment",
                "stock_log",
            ];
            let mut root = Map::new();
            root.insert("type".into(), json!(kinds[rng.below(kinds.len())]));
            root.insert("schema_version".into(), json!(1));
            root.insert("site".into(), json!("dc-north"));
            if let Value::Object(fields) = value {
                root.extend(fields);
            }
            value = Value::Object(root);
        }
        check(&value, seed);
    }
}

#[test]
fn huge_lists_anywhere_never_panic() {
    let examples = all_example_json();
    for seed in 0..20_u64 {
        let mut rng = Rng(seed);
        let mut value = examples[rng.below(examples.len())].clone();
        *random_node(&mut rng, &mut value) = Value::Array(vec![json!({}); 100_001]);
        check(&value, seed);
    }
}
