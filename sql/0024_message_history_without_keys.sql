-- Every message sent writes its timeline row (message_events) and its attempt row (message_attempts), each naming the
-- message through a foreign key. Each check locks the message's row FOR KEY SHARE: two statements more, a WAL record and
-- a dirtied heap page per message on the drain's path, for a row the same statement has just updated. Both ids come
-- from that row, and messages are never deleted (expired, cancelled and failed ones stay as history): the trigger makes
-- that a rule, so an id once written cannot dangle. (As 0012 did for the chip keys of the same rows.)
ALTER TABLE message_events DROP CONSTRAINT message_events_message_id_fkey;
ALTER TABLE message_attempts DROP CONSTRAINT message_attempts_message_id_fkey;

CREATE FUNCTION messages_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'message % is referenced by its history: messages are never deleted', OLD.id USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER messages_never_deleted BEFORE DELETE ON messages FOR EACH ROW EXECUTE FUNCTION messages_never_deleted();
