-- Meta's word that a doctor's 24-hour window on a chip is closed: a free-text message failed 131047. The window is
-- otherwise worked out from the doctor's messages (inbound); those written at or before this time no longer open it,
-- so a grain that activates again does not reopen what Meta closed. The doctor's next message opens it again.
CREATE TABLE meta_window_closures (
    contact    text NOT NULL,
    chip_id    bigint NOT NULL,
    closed_at  timestamptz NOT NULL,
    PRIMARY KEY (contact, chip_id)
);
