-- Every selection writes one audit row, so each index and check on it is paid on the hottest path.
-- Nothing reads selections by time alone (lists page by id), and lists for one chip page by id too.
DROP INDEX selections_at;
DROP INDEX selections_chip_at;
CREATE INDEX selections_chip_id ON selections (chip_id, id) WHERE chip_id IS NOT NULL;
-- The audit row's chip is the chip the same statement has just locked and charged (chips are retired,
-- never deleted), so the foreign key's per-row lookup and lock on the chip row buys nothing there.
ALTER TABLE selections DROP CONSTRAINT selections_chip_id_fkey;
