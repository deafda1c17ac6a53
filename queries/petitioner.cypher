// petitioner — 信访人档案 / Petitioner profile
// The timeline of one petitioner: every filing they filed or co-signed (role FILED or CO_SIGNED), oldest
// first, with its issue, the units it was routed to or handled by, the other petitioners on the same filing
// and the other petitioners on the same issue. Ids only: no names or contact details.
// params:
//   $petitioner_id: str = required — the petitioner to show
// columns: petitioner_id, filing_id, role, received_date, channel, receiving_level, receiving_org, issue_id,
//   status, concluded_date, units, co_petitioner_ids, issue_petitioner_ids
MATCH (p:Petitioner {petitioner_id: $petitioner_id})-[r:FILED|CO_SIGNED]->(f:Filing)
WITH p, f, min(type(r)) AS role
OPTIONAL MATCH (f)-[:ABOUT]->(i:Issue)
RETURN p.petitioner_id AS petitioner_id,
       f.filing_id AS filing_id,
       role,
       f.received_date AS received_date,
       f.channel AS channel,
       f.receiving_level AS receiving_level,
       f.receiving_org AS receiving_org,
       i.issue_id AS issue_id,
       f.status AS status,
       f.concluded_date AS concluded_date,
       COLLECT { MATCH (f)-[:ROUTED|HANDLED_BY]->(u:Unit) WITH DISTINCT u.name AS n RETURN n ORDER BY n } AS units,
       COLLECT { MATCH (q:Petitioner)-[:FILED|CO_SIGNED]->(f) WHERE q <> p
                 WITH DISTINCT q.petitioner_id AS id RETURN id ORDER BY id } AS co_petitioner_ids,
       COLLECT { MATCH (q:Petitioner)-[:FILED|CO_SIGNED]->(:Filing)-[:ABOUT]->(i) WHERE q <> p
                 WITH DISTINCT q.petitioner_id AS id RETURN id ORDER BY id } AS issue_petitioner_ids
ORDER BY received_date, filing_id
