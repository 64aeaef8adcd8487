-- Webhooks that must never be lost (issue: real Evolution payloads were refused) and doctors abroad.
--
-- Inbox states:
--   pending → processing → applied | ignored | held | dead      held → pending (its LID's phone became known)
-- 'ignored' keeps a well-formed event we do not act on, with the reason in error; 'held' keeps a
-- doctor's message whose sender is known only by LID until a later event tells us the phone.

ALTER TABLE inbox DROP CONSTRAINT inbox_status_check;
ALTER TABLE inbox ADD CONSTRAINT inbox_status_check CHECK (status IN ('pending', 'processing', 'applied', 'ignored', 'held', 'dead'));
-- The LID an event waits for; only while held.
ALTER TABLE inbox ADD COLUMN held_for text;
ALTER TABLE inbox ADD CONSTRAINT inbox_held_for_check CHECK ((status = 'held') = (held_for IS NOT NULL));
-- Releasing held events looks them up by LID.
CREATE INDEX inbox_held ON inbox (held_for) WHERE status = 'held';

-- WhatsApp's LID (a privacy alias of a user, the same on every number) and the phone it stands for,
-- learnt from events that carry both.
CREATE TABLE lid_phones (
    lid        text PRIMARY KEY,
    phone      text NOT NULL CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    learnt_at  timestamptz NOT NULL
);

-- A doctor abroad is a contact too: any E.164 number; only Brazilian ones have a DDD.
ALTER TABLE contacts DROP CONSTRAINT contacts_phone_check;
ALTER TABLE contacts ADD CONSTRAINT contacts_phone_check CHECK (phone ~ '^\+[1-9][0-9]{7,14}$');
ALTER TABLE contacts ALTER COLUMN ddd DROP NOT NULL;
ALTER TABLE contacts ADD CONSTRAINT contacts_ddd_check CHECK ((ddd IS NOT NULL) = (phone LIKE '+55%'));
