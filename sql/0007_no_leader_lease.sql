-- Pool-wide periodic work runs on the pool grain's reminder (one activation in the cluster), so the
-- home-made leader lease is gone.
DROP TABLE leases;
