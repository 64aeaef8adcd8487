-- The inbox claim takes pending events in arrival order (id). Its index was on next_attempt_at, so taking
-- the oldest few by id meant fetching every pending row and sorting them: a claim's cost grew with the
-- backlog, just when a backlog needs claims to be cheap. Walking this index by id stops after the batch.
CREATE INDEX inbox_pending ON inbox (id) WHERE status = 'pending';
DROP INDEX inbox_due;
