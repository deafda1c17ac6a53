// skip-level — 越级访 / Skip-level petitioning
// Filings through a counted channel (in $channels: visits only by default, since letters, online filings,
// hotline calls and leaders' mailboxes may be addressed to any level) received above county level (a
// receiving_level not in $local_levels) with no earlier filing (an earlier received_date, any channel) at
// county level or below by the same petitioner on the same issue.
// Filings are read in filing_id order from the key's index, so a page ($offset, $limit) stops as soon as
// it is full.
// params:
//   $local_levels: list = 乡镇,县 — receiving levels that count as county level or below
//   $channels: list = 来访 — channels whose filings are counted (the others may go to any level)
//   $limit: int = 0 — the most rows returned (0 = all of them)
//   $offset: int = 0 — how many rows of the ordered result to skip before the first one returned
// columns: filing_id, petitioner_id, issue_id, receiving_level, received_date, receiving_org, channel
MATCH (f:Filing)
USING INDEX f:Filing(filing_id)
WHERE f.filing_id IS NOT NULL AND NOT f.receiving_level IN $local_levels AND f.channel IN $channels
WITH f ORDER BY f.filing_id
MATCH (p:Petitioner)-[:FILED]->(f)-[:ABOUT]->(i:Issue)
WHERE NOT EXISTS {
    MATCH (p)-[:FILED]->(g:Filing)-[:ABOUT]->(i)
    WHERE g.receiving_level IN $local_levels AND g.received_date < f.received_date
  }
RETURN f.filing_id AS filing_id,
       p.petitioner_id AS petitioner_id,
       i.issue_id AS issue_id,
       f.receiving_level AS receiving_level,
       f.received_date AS received_date,
       f.receiving_org AS receiving_org,
       f.channel AS channel
ORDER BY filing_id, petitioner_id
SKIP $offset LIMIT CASE WHEN $limit > 0 THEN $limit ELSE 1000000000000 END
