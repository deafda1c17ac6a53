// multi-channel — 多头访 / Multi-channel petitioning
// One petitioner and one issue through at least $min_channels channels (any time), or to at least two
// different receiving bodies with filings no more than $window_days days apart.
// Petitioners are read in petitioner_id order from the key's index and grouped one at a time (a
// subquery per petitioner), so a page ($offset, $limit) stops as soon as it is full.
// params:
//   $min_channels: int = 2 — the least number of distinct channels
//   $window_days: int = 30 — two filings to different receiving bodies at most this many days apart
//   $limit: int = 0 — the most rows returned (0 = all of them)
//   $offset: int = 0 — how many rows of the ordered result to skip before the first one returned
// columns: petitioner_id, issue_id, channels, receiving_orgs, filing_ids, by_channel, by_receiving_org
MATCH (p:Petitioner)
USING INDEX p:Petitioner(petitioner_id)
WHERE p.petitioner_id IS NOT NULL AND COUNT { (p)-[:FILED]->() } > 1
WITH p ORDER BY p.petitioner_id
CALL (p) {
  MATCH (p)-[:FILED]->(f:Filing)-[:ABOUT]->(i:Issue)
  WITH i, collect(f) AS fs
  WHERE size(fs) > 1
  RETURN i, fs
}
WITH p, i, fs,
     COLLECT { UNWIND fs AS x WITH DISTINCT x.channel AS c WHERE c IS NOT NULL RETURN c ORDER BY c } AS channels,
     any(a IN fs WHERE any(b IN fs WHERE a.receiving_org < b.receiving_org
         AND abs(duration.inDays(a.received_date, b.received_date).days) <= $window_days)) AS by_org
WHERE size(channels) >= $min_channels OR by_org
RETURN p.petitioner_id AS petitioner_id,
       i.issue_id AS issue_id,
       channels,
       COLLECT { UNWIND fs AS x WITH DISTINCT x.receiving_org AS o WHERE o IS NOT NULL RETURN o ORDER BY o }
         AS receiving_orgs,
       COLLECT { UNWIND fs AS x WITH x.filing_id AS id RETURN id ORDER BY id } AS filing_ids,
       size(channels) >= $min_channels AS by_channel,
       by_org AS by_receiving_org
ORDER BY petitioner_id, issue_id
SKIP $offset LIMIT CASE WHEN $limit > 0 THEN $limit ELSE 1000000000000 END
