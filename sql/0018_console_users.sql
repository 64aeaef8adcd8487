-- Console sign-in: a read-only role, lockout after repeated wrong passwords, and a stamp that ends sessions.
--
-- A user's sessions are cookies the server signed; they carry the user's security_stamp. Changing the
-- role or the password (create-user on an existing e-mail) draws a new stamp, so every cookie issued
-- before stops working at its next request.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('viewer', 'operator', 'admin'));

ALTER TABLE users
    ADD COLUMN failed_attempts  int NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    ADD COLUMN locked_until     timestamptz,
    ADD COLUMN security_stamp   uuid NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN last_sign_in_at  timestamptz,
    ADD COLUMN updated_at       timestamptz;

-- E-mail addresses compare without case: one account per address however it is typed.
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

-- The console's conversation view lists one contact's messages; without this it would scan the queue's history.
-- Costs one index entry per message at enqueue; updates never touch contact, so the sends' updates stay HOT.
CREATE INDEX messages_contact_created ON messages (contact, created_at);
