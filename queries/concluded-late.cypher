// concluded-late — 超期办结 / Concluded late
// Filings concluded (they have a concluded_date) more than $limit_days days after they were received, or more
// than $extended_days when a routing note of the filing mentions $extension_marker (an approved extension):
// answered, but past the limit. Days are counted from received_date to concluded_date, as overdue counts
// them to its as_of; routing notes are only read for filings already past the shorter limit.
// params:
//   $limit_days: int = 60 — the handling time limit
//   $extended_days: int = 90 — the limit of a filing with an approved extension
//   $extension_marker: str = 延期 — text in a routing note that marks an extension
// columns: filing_id, petitioner_id, issue_id, received_date, concluded_date, status, responsible_unit,
//   extended, limit_days, days_taken, days_late
MATCH (f:Filing)
WHERE f.concluded_date IS NOT NULL
WITH f, duration.inDays(f.received_date, f.concluded_date).days AS days_taken
WHERE days_taken > CASE WHEN $limit_days < $extended_days THEN $limit_days ELSE $extended_days END
WITH f, days_taken,
     EXISTS { MATCH (f)-[r:ROUTED]->(:Unit) WHERE r.note CONTAINS $extension_marker } AS extended
WITH f, days_taken, extended, CASE WHEN extended THEN $extended_days ELSE $limit_days END AS limit_days
WHERE days_taken > limit_days
RETURN f.filing_id AS filing_id,
       COLLECT { MATCH (p:Petitioner)-[:FILED]->(f) WITH p.petitioner_id AS id RETURN id ORDER BY id LIMIT 1 }[0]
         AS petitioner_id,
       COLLECT { MATCH (f)-[:ABOUT]->(i:Issue) WITH i.issue_id AS id RETURN id ORDER BY id LIMIT 1 }[0]
         AS issue_id,
       f.received_date AS received_date,
       f.concluded_date AS concluded_date,
       f.status AS status,
       COLLECT { MATCH (f)-[:HANDLED_BY]->(u:Unit) WITH u.name AS n RETURN n ORDER BY n LIMIT 1 }[0]
         AS responsible_unit,
       extended,
       limit_days,
       days_taken,
       days_taken - limit_days AS days_late
ORDER BY days_late DESC, filing_id
