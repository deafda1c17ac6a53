// overdue — 超期 / Overdue filings
// Filings not concluded (no concluded_date, and a status that is empty or in $open_statuses) received more
// than $limit_days days before $as_of, or more than $extended_days when a routing note of the filing
// mentions $extension_marker (an approved extension). Days are counted from received_date. The filings
// without a concluded_date are found through `unconcluded`, a fact stored on each filing when it is loaded
// (graph/facts.py) and indexed; routing notes are only read for filings already past the shorter limit.
// params:
//   $as_of: date = today — the day the ages are counted to
//   $limit_days: int = 60 — the handling time limit
//   $extended_days: int = 90 — the limit of a filing with an approved extension
//   $extension_marker: str = 延期 — text in a routing note that marks an extension
//   $open_statuses: list = 待受理,办理中 — statuses of a filing still being handled
// responsible_unit_id is the id of the unit named in responsible_unit (the first by name, then id): the same
// department in two counties is two units.
// columns: filing_id, petitioner_id, issue_id, received_date, status, responsible_unit, extended, limit_days,
//   days_open, days_overdue, responsible_unit_id
MATCH (f:Filing)
USING INDEX f:Filing(unconcluded)
WHERE f.unconcluded = true
  AND (f.status IS NULL OR f.status IN $open_statuses)
  AND f.received_date <= $as_of
WITH f, duration.inDays(f.received_date, $as_of).days AS days_open
WHERE days_open > CASE WHEN $limit_days < $extended_days THEN $limit_days ELSE $extended_days END
WITH f, days_open,
     EXISTS { MATCH (f)-[r:ROUTED]->(:Unit) WHERE r.note CONTAINS $extension_marker } AS extended
WITH f, days_open, extended, CASE WHEN extended THEN $extended_days ELSE $limit_days END AS limit_days
WHERE days_open > limit_days
RETURN f.filing_id AS filing_id,
       COLLECT { MATCH (p:Petitioner)-[:FILED]->(f) WITH p.petitioner_id AS id RETURN id ORDER BY id LIMIT 1 }[0]
         AS petitioner_id,
       COLLECT { MATCH (f)-[:ABOUT]->(i:Issue) WITH i.issue_id AS id RETURN id ORDER BY id LIMIT 1 }[0]
         AS issue_id,
       f.received_date AS received_date,
       f.status AS status,
       COLLECT { MATCH (f)-[:HANDLED_BY]->(u:Unit) WITH u.name AS n RETURN n ORDER BY n LIMIT 1 }[0]
         AS responsible_unit,
       extended,
       limit_days,
       days_open,
       days_open - limit_days AS days_overdue,
       COLLECT { MATCH (f)-[:HANDLED_BY]->(u:Unit) WITH u.name AS n, u.unit_id AS id RETURN id ORDER BY n, id
                 LIMIT 1 }[0] AS responsible_unit_id
ORDER BY days_overdue DESC, filing_id
