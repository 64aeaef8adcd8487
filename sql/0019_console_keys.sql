-- The keys that sign console session cookies (ASP.NET Core data protection's key ring, one XML element per key).
-- Kept here rather than in each node's folder, so every node behind one address accepts the others' cookies.
-- Rows are only added (a key expires by its own dates inside the XML); the application never updates or deletes them.
CREATE TABLE console_keys (
    name       text PRIMARY KEY,
    xml        text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
