-- Every selection writes one audit row, so each index on it is paid on the hottest path.
-- Nothing reads selections by time alone (lists page by id), and lists for one chip page by id too.
DROP INDEX selections_at;
DROP INDEX selections_chip_at;
CREATE INDEX selections_chip_id ON selections (chip_id, id) WHERE chip_id IS NOT NULL;
