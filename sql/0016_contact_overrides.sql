-- An operator's written exception to one contact's volume rule (the frequency cap or the daily limit).
-- It lasts until `until`, or for `count` messages if that comes first, unless revoked earlier. The
-- messages that passed thanks to it are the granted selections whose `excluded` names it
-- ("override:<rule>": <id>), so its use is counted from the audit rather than kept twice.
--
--   in force --(until passes | count used | revoked)--> ended
--
-- Opt-out, lawful basis, the pool gate and the sending window are never overridden (policy): the CHECK
-- on rule keeps them out even if the API were bypassed.
CREATE TABLE contact_overrides (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact        text NOT NULL,
    rule           text NOT NULL CHECK (rule IN ('contact_frequency_cap', 'contact_daily_limit')),
    reason         text NOT NULL CHECK (btrim(reason) <> ''),
    actor          text NOT NULL,
    created_at     timestamptz NOT NULL,
    until          timestamptz NOT NULL CHECK (until > created_at),
    count          int CHECK (count >= 1),
    revoked_at     timestamptz,
    revoked_by     text,
    revoke_reason  text,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL) AND (revoked_at IS NULL) = (revoke_reason IS NULL))
);
-- A contact's grain loads its overrides still running on activation; the API lists them newest first.
CREATE INDEX contact_overrides_contact ON contact_overrides (contact, id);
