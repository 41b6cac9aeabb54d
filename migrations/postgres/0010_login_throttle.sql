-- Failed sign-ins per account and per client address, as a GCRA "theoretical
-- arrival time" in milliseconds (see server/src/auth/throttle.rs). Kept here so
-- the limits survive a restart and hold across instances on one database.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);
