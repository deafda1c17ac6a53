// repeat-petitions — 重复访 / Repeat petitioning
// One petitioner with at least $min_filings filings on one issue. The matter counts as concluded from the
// earliest concluded_date among those filings; after_conclusion says whether any filing came after it
// (a refiling on a concluded matter: the clearest sign it was not resolved).
// Petitioners are read in petitioner_id order from the key's index and grouped one at a time (a
// subquery per petitioner), so a page ($offset, $limit) stops as soon as it is full.
// params:
//   $min_filings: int = 2 — the least number of filings by one petitioner on one issue
//   $limit: int = 0 — the most rows returned (0 = all of them)
//   $offset: int = 0 — how many rows of the ordered result to skip before the first one returned
// columns: petitioner_id, issue_id, filings, filing_ids, first_date, last_date, channels, concluded_date,
//   after_conclusion, filings_after_conclusion
MATCH (p:Petitioner)
USING INDEX p:Petitioner(petitioner_id)
WHERE p.petitioner_id IS NOT NULL AND COUNT { (p)-[:FILED]->() } >= $min_filings
WITH p ORDER BY p.petitioner_id
CALL (p) {
  MATCH (p)-[:FILED]->(f:Filing)-[:ABOUT]->(i:Issue)
  WITH i, collect(f) AS fs, min(f.received_date) AS first_date, max(f.received_date) AS last_date,
       min(f.concluded_date) AS concluded
  WHERE size(fs) >= $min_filings
  RETURN i, fs, first_date, last_date, concluded
}
WITH p, i, fs, first_date, last_date, concluded,
     [x IN fs WHERE concluded IS NOT NULL AND x.received_date > concluded] AS after
RETURN p.petitioner_id AS petitioner_id,
       i.issue_id AS issue_id,
       size(fs) AS filings,
       COLLECT { UNWIND fs AS x WITH x.filing_id AS id RETURN id ORDER BY id } AS filing_ids,
       first_date,
       last_date,
       COLLECT { UNWIND fs AS x WITH DISTINCT x.channel AS c WHERE c IS NOT NULL RETURN c ORDER BY c } AS channels,
       concluded AS concluded_date,
       size(after) > 0 AS after_conclusion,
       size(after) AS filings_after_conclusion
ORDER BY petitioner_id, issue_id
SKIP $offset LIMIT CASE WHEN $limit > 0 THEN $limit ELSE 1000000000000 END
