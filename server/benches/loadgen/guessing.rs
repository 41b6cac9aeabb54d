//! Password guessing from one address (`guessing`): 100 wrong passwords at one
//! known account, the same at an email with no account, and one wrong password
//! at each of 100 accounts; then what the right password gets while throttled.
//! Each run comes from its own address (`X-Forwarded-For`, trusted for the run,
//! as behind the reverse proxy), so their limits do not mix.

use std::time::{Duration, Instant};

use anyhow::Context;

use super::{
    Options,
    logins::{Answer, PHONE_PASSWORD, login, seed_accounts, start},
    target::{BENCH_EMAIL, BENCH_PASSWORD, Target},
};

const GUESSES: usize = 100;
const UNKNOWN_EMAIL: &str = "nobody@load.test";

pub async fn run(options: &Options) -> anyhow::Result<()> {
    for name in &options.targets {
        let env = vec![("FLOORWALK_TRUST_FORWARDED_FOR", "1".to_string())];
        let target = start(name, options, env).await;
        guessing(&target).await?;
        target.stop().await;
    }
    Ok(())
}

async fn guessing(target: &Target) -> anyhow::Result<()> {
    let accounts = seed_accounts(target, "guess", GUESSES).await?;
    let base = target.http.as_deref().context("a floorwalk target")?;
    let http = reqwest::Client::new();
    let mut runs = Vec::new();
    for (label, emails, address) in [
        (
            format!("one account ({BENCH_EMAIL})"),
            vec![BENCH_EMAIL.to_string(); GUESSES],
            "203.0.113.1",
        ),
        (
            format!("an email with no account ({UNKNOWN_EMAIL})"),
            vec![UNKNOWN_EMAIL.to_string(); GUESSES],
            "203.0.113.2",
        ),
        (
            format!("{GUESSES} accounts, one guess each"),
            accounts.clone(),
            "203.0.113.3",
        ),
    ] {
        let started = Instant::now();
        let mut answers = Vec::with_capacity(emails.len());
        for (i, email) in emails.iter().enumerate() {
            let password = format!("wrong-password-{i}");
            answers.push(login(&http, base, email, &password, Some(address)).await);
        }
        runs.push((label, answers, started.elapsed()));
    }
    println!(
        "\n### guessing: {} ({GUESSES} attempts per run)\n",
        target.name
    );
    println!("| guessing at | answers by attempt | took s | ms per 401 | ms per 429 |");
    println!("| --- | --- | --- | --- | --- |");
    for (label, answers, took) in &runs {
        println!(
            "| {label} | {} | {:.1} | {} | {} |",
            by_attempt(answers),
            took.as_secs_f64(),
            mean_ms(answers, 401),
            mean_ms(answers, 429),
        );
    }
    let same = runs[0]
        .1
        .iter()
        .zip(&runs[1].1)
        .all(|(a, b)| same_answer(a, b));
    println!("\nKnown account and unknown email answered alike at every attempt: {same}.\n");
    right_password(&http, base, &accounts[0]).await;
    Ok(())
}

/// What the right password gets after the guessing: who is still kept out, and
/// for how long.
async fn right_password(http: &reqwest::Client, base: &str, one_of_many: &str) {
    const OWNER: &str = "198.51.100.8";
    println!("| right password | answer |");
    println!("| --- | --- |");
    let checks = [
        (
            "one of the 100 accounts, from the guessing address",
            one_of_many,
            PHONE_PASSWORD,
            "203.0.113.3",
        ),
        (
            "the same account, from another address",
            one_of_many,
            PHONE_PASSWORD,
            "198.51.100.7",
        ),
        (
            "the one account, from its guessing address",
            BENCH_EMAIL,
            BENCH_PASSWORD,
            "203.0.113.1",
        ),
        (
            "the one account, from another address (its owner)",
            BENCH_EMAIL,
            BENCH_PASSWORD,
            OWNER,
        ),
    ];
    let mut wait = 0;
    for (label, email, password, address) in checks {
        let answer = login(http, base, email, password, Some(address)).await;
        println!("| {label} | {} |", describe(&answer));
        wait = answer.retry_after.unwrap_or(0);
    }
    // The owner taps again when told to; if still refused, they put the phone
    // down for two waits without trying.
    for (factor, label) in [(1, "(its Retry-After)"), (2, "without trying in between")] {
        if wait == 0 {
            break;
        }
        let waited = factor * wait;
        tokio::time::sleep(Duration::from_secs(waited)).await;
        let answer = login(http, base, BENCH_EMAIL, BENCH_PASSWORD, Some(OWNER)).await;
        println!(
            "| its owner again, {waited} s later {label} | {} |",
            describe(&answer)
        );
        wait = answer.retry_after.unwrap_or(0);
    }
}

fn same_answer(a: &Answer, b: &Answer) -> bool {
    (a.status, &a.code, a.retry_after) == (b.status, &b.code, b.retry_after)
}

fn describe(answer: &Answer) -> String {
    let mut text = format!("{} {}", answer.status, answer.code);
    if let Some(secs) = answer.retry_after {
        text.push_str(&format!(", Retry-After {secs}"));
    }
    text.trim().to_string()
}

/// Runs of equal answers: "1–5: 401 invalid_credentials; 6–100: 429 …".
fn by_attempt(answers: &[Answer]) -> String {
    let mut runs: Vec<(usize, usize, String)> = Vec::new();
    for (i, answer) in answers.iter().enumerate() {
        let text = describe(answer);
        match runs.last_mut() {
            Some((_, last, previous)) if *previous == text => *last = i + 1,
            _ => runs.push((i + 1, i + 1, text)),
        }
    }
    let runs: Vec<String> = runs
        .into_iter()
        .map(|(first, last, text)| match first == last {
            true => format!("{first}: {text}"),
            false => format!("{first}–{last}: {text}"),
        })
        .collect();
    runs.join("; ")
}

fn mean_ms(answers: &[Answer], status: u16) -> String {
    let took: Vec<f64> = answers
        .iter()
        .filter(|a| a.status == status)
        .map(|a| a.took.as_secs_f64() * 1000.0)
        .collect();
    match took.len() {
        0 => "n/a".into(),
        n => format!("{:.0}", took.iter().sum::<f64>() / n as f64),
    }
}
