// filing — 信访件详情 / Filing details
// One filing with its petitioner, co-signers, issue and responsible unit (ids), and its routing: one row per
// routing event in seq order (the filing's own columns repeat on each), or a single row with empty routing
// columns when it was never routed. from_unit is the sending unit as written in the transfer record; title,
// account_id and reply are the filing's own title, platform account and answer (null when not given).
// params:
//   $filing_id: str = required — the filing to show
// columns: filing_id, received_date, channel, receiving_level, receiving_org, category, content, headcount,
//   status, concluded_date, county, petitioner_name, petitioner_id, co_petitioner_ids, issue_id,
//   responsible_unit_id, seq, route_date, action, from_unit, to_unit_id, to_unit, note, title, account_id, reply
MATCH (f:Filing {filing_id: $filing_id})
OPTIONAL MATCH (f)-[r:ROUTED]->(u:Unit)
WITH f, r, u ORDER BY r.seq
RETURN f.filing_id AS filing_id,
       f.received_date AS received_date,
       f.channel AS channel,
       f.receiving_level AS receiving_level,
       f.receiving_org AS receiving_org,
       f.category AS category,
       f.content AS content,
       f.headcount AS headcount,
       f.status AS status,
       f.concluded_date AS concluded_date,
       f.county AS county,
       f.petitioner_name AS petitioner_name,
       head(COLLECT { MATCH (p:Petitioner)-[:FILED]->(f) RETURN p.petitioner_id AS id ORDER BY id }) AS petitioner_id,
       COLLECT { MATCH (p:Petitioner)-[:CO_SIGNED]->(f) WITH DISTINCT p.petitioner_id AS id RETURN id ORDER BY id }
         AS co_petitioner_ids,
       head(COLLECT { MATCH (f)-[:ABOUT]->(i:Issue) RETURN i.issue_id AS id ORDER BY id }) AS issue_id,
       head(COLLECT { MATCH (f)-[:HANDLED_BY]->(h:Unit) RETURN h.unit_id AS id ORDER BY id }) AS responsible_unit_id,
       r.seq AS seq,
       r.date AS route_date,
       r.action AS action,
       r.from_unit AS from_unit,
       u.unit_id AS to_unit_id,
       u.name AS to_unit,
       r.note AS note,
       f.title AS title,
       f.account_id AS account_id,
       f.reply AS reply
ORDER BY seq
