-- The pool cycle prunes week-old ignored webhook events by age.
CREATE INDEX inbox_ignored ON inbox (received_at) WHERE status = 'ignored';
