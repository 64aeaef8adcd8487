-- A Meta number's standing as Meta reports it (issue 22), read by polling the phone number (the quality colour no
-- longer comes by webhook): its quality rating, its health (can it send), its portfolio's messaging limit and its
-- throughput. Written by the poll, read by selection's budgets; NULL until the first poll (the budgets then assume the
-- lowest tier). Columns only: expand-only.
ALTER TABLE meta_chips
    ADD COLUMN quality_rating     text CHECK (quality_rating IN ('GREEN', 'YELLOW', 'RED', 'UNKNOWN')),
    ADD COLUMN health_status      text CHECK (health_status IN ('AVAILABLE', 'LIMITED', 'BLOCKED')),
    ADD COLUMN messaging_limit    text CHECK (messaging_limit ~ '^TIER_[0-9A-Z]+$'),
    ADD COLUMN throughput_per_s   int CHECK (throughput_per_s > 0),
    ADD COLUMN standing_polled_at timestamptz;
