// skip-level — 越级访 / Skip-level petitioning
// Filings received above county level (a receiving_level not in $local_levels) with no earlier filing (an
// earlier received_date) at county level or below by the same petitioner on the same issue.
// params:
//   $local_levels: list = 乡镇,县 — receiving levels that count as county level or below
// columns: filing_id, petitioner_id, issue_id, receiving_level, received_date, receiving_org, channel
MATCH (p:Petitioner)-[:FILED]->(f:Filing)-[:ABOUT]->(i:Issue)
WHERE NOT f.receiving_level IN $local_levels
  AND NOT EXISTS {
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
