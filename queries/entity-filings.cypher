// entity-filings — 相关信访件 / Filings of an issue or unit
// Every filing about the issue, or routed to or handled by the unit, whose key is $key ($label: Issue or
// Unit), oldest first, with its petitioner and issue. relation is the type of the link (ABOUT, HANDLED_BY or
// ROUTED; a filing both routed to and handled by a unit shows HANDLED_BY); title is the filing's own title,
// and first_line the first line of its text (at most 60 characters), so that a list of filings says what each
// is about.
// params:
//   $key: str = required — the issue_id or unit_id
//   $label: str = Issue — Issue or Unit
// columns: filing_id, received_date, channel, receiving_level, category, status, concluded_date,
//   petitioner_id, petitioner_name, issue_id, relation, title, first_line
CALL {
  MATCH (n:Issue {issue_id: $key}) RETURN n
  UNION MATCH (n:Unit {unit_id: $key}) RETURN n
}
WITH n WHERE $label IN labels(n)
MATCH (f:Filing)-[r:ABOUT|ROUTED|HANDLED_BY]->(n)
WITH f, min(type(r)) AS relation
RETURN f.filing_id AS filing_id,
       f.received_date AS received_date,
       f.channel AS channel,
       f.receiving_level AS receiving_level,
       f.category AS category,
       f.status AS status,
       f.concluded_date AS concluded_date,
       head(COLLECT { MATCH (p:Petitioner)-[:FILED]->(f) RETURN p.petitioner_id AS id ORDER BY id }) AS petitioner_id,
       f.petitioner_name AS petitioner_name,
       head(COLLECT { MATCH (f)-[:ABOUT]->(i:Issue) RETURN i.issue_id AS id ORDER BY id }) AS issue_id,
       relation,
       f.title AS title,
       CASE WHEN f.content IS NULL THEN null
            ELSE left(split(f.content, '\n')[0], 60) END AS first_line
ORDER BY received_date, filing_id
