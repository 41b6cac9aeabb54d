//! Throttled guessing: failed sign-ins are counted per account and per client
//! address, as a generic cell rate (GCRA: each failure pushes a "theoretical
//! arrival time" one interval further; a burst of failures is allowed, then one
//! per interval). The state is one number per key in the database, so it
//! survives a restart and holds across several instances on one database, which
//! an in-memory limiter such as `governor` cannot (its state store is synchronous
//! and per process).
//!
//! An account is charged before the password is checked, so a thousand guesses
//! at one account sent at once are held to the same limit as a thousand in a row,
//! and a successful sign-in gives back only its own charge: it never resets what
//! other addresses spent on the account. An attempt refused by either limit is
//! given back too: it was never checked, and the owner who waits the `Retry-After`
//! they were told must then get in. An address is only checked before, and
//! charged when the password turns out wrong: a whole shift's phones signing in at
//! once behind one warehouse router must not lock each other out, and guesses sent
//! at once from one address are bounded anyway by the password-check queue
//! (`login_queue`). The account key is the normalised email, whether or not such
//! an account exists, so the answer reveals nothing.

use crate::{
    config::Config,
    storage::{Store, StoreResult},
};

/// How many failures a key may have at once, and how fast it earns one back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub burst: u32,
    pub refill_secs: u64,
}

impl Rate {
    fn interval_ms(self) -> i64 {
        (self.refill_secs.max(1) * 1000) as i64
    }

    /// The latest theoretical arrival time an address can reach: one interval past
    /// the burst, so failures cannot push a lockout further and further into the
    /// future (the owner is locked out for at most one interval after the guessing
    /// stops). Accounts need no cap: what they refuse is refunded.
    fn cap_ms(self, now: i64) -> i64 {
        now + (i64::from(self.burst) + 1) * self.interval_ms()
    }

    /// Seconds until `tat` lets one more attempt through, if it is over the limit.
    fn wait_secs(self, tat: i64, now: i64) -> Option<u64> {
        let over = tat - now - i64::from(self.burst) * self.interval_ms();
        (over > 0).then(|| (over as u64).div_ceil(1000))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRules {
    pub per_account: Rate,
    pub per_address: Rate,
}

impl ThrottleRules {
    /// The limits an operator set (`login_*` settings).
    pub fn from_config(config: &Config) -> Self {
        Self {
            per_account: Rate {
                burst: config.login_account_burst,
                refill_secs: config.login_account_refill_secs,
            },
            per_address: Rate {
                burst: config.login_address_burst,
                refill_secs: config.login_address_refill_secs,
            },
        }
    }
}

impl Default for ThrottleRules {
    fn default() -> Self {
        Self {
            per_account: Rate {
                burst: 5,
                refill_secs: 60,
            },
            // Phones on one warehouse network share an address: looser.
            per_address: Rate {
                burst: 30,
                refill_secs: 10,
            },
        }
    }
}

/// One sign-in attempt let through: the account's charge, to give back if the
/// password is right, and the address to charge if it is wrong.
pub struct Charged {
    account: (String, Rate),
    address: Option<(String, Rate)>,
}

/// Charges one attempt to the account and checks the address; `Err(wait)` when
/// either is over its limit.
pub async fn charge(
    store: &dyn Store,
    rules: &ThrottleRules,
    email: &str,
    address: Option<&str>,
    now: i64,
) -> StoreResult<Result<Charged, u64>> {
    let (account, rate) = (format!("account:{email}"), rules.per_account);
    // No cap here: an attempt refused below is given back exactly, and a cap would
    // make the charges of attempts refused at the same moment smaller than their
    // refunds (each refund would then open the account a little further).
    let tat = store
        .charge_attempt(&account, now, rate.interval_ms(), i64::MAX)
        .await?;
    let mut wait = rate.wait_secs(tat, now);
    let address = address.map(|a| (format!("address:{a}"), rules.per_address));
    if let Some((key, rate)) = &address {
        // As if charged: would one more failure be over the limit?
        let tat = store.attempt_tat(key).await?.unwrap_or(now).max(now) + rate.interval_ms();
        if let Some(secs) = rate.wait_secs(tat, now) {
            wait = Some(wait.map_or(secs, |w| w.max(secs)));
        }
    }
    match wait {
        Some(secs) => {
            // Refused unchecked, so it costs nothing: an owner who comes back after
            // the `Retry-After` they were given finds the account open again.
            store.refund_attempt(&account, rate.interval_ms()).await?;
            Ok(Err(secs))
        }
        None => Ok(Ok(Charged {
            account: (account, rate),
            address,
        })),
    }
}

/// Gives back the account's charge: the attempt succeeded, or was turned away
/// before its password was checked.
pub async fn refund(store: &dyn Store, charged: Charged) -> StoreResult<()> {
    let (key, rate) = charged.account;
    store.refund_attempt(&key, rate.interval_ms()).await
}

/// The password was wrong: the address pays for it too.
pub async fn failed(store: &dyn Store, charged: Charged, now: i64) -> StoreResult<()> {
    if let Some((key, rate)) = charged.address {
        store
            .charge_attempt(&key, now, rate.interval_ms(), rate.cap_ms(now))
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: Rate = Rate {
        burst: 5,
        refill_secs: 60,
    };

    /// The arrival time after `n` failures at `now`, as the store computes it.
    fn after(n: u32, now: i64) -> i64 {
        (0..n).fold(now, |tat, _| {
            (tat.max(now) + RATE.interval_ms()).min(RATE.cap_ms(now))
        })
    }

    #[test]
    fn a_burst_passes_and_the_next_attempt_waits_one_interval() {
        let now = 1_000_000;
        assert_eq!(RATE.wait_secs(after(5, now), now), None);
        assert_eq!(RATE.wait_secs(after(6, now), now), Some(60));
        // However many more are refused, the wait never grows past one interval.
        assert_eq!(RATE.wait_secs(after(500, now), now), Some(60));
        // A minute later, one more attempt goes through.
        let later = now + 60_000;
        let tat = after(6, now);
        assert_eq!(RATE.wait_secs(tat, later), None);
    }
}
