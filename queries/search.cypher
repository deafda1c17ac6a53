// search — 检索 / Search
// Petitioners, filings, issues and units matching $text: a key (petitioner_id, filing_id, issue_id, unit_id),
// an ID number or phone (digits as stored: the dashboards drop the spaces and dashes a clerk types), a
// platform account id (equal only: its filings, and the petitioners who filed them), a name, an issue's or
// filing's title or the text of a filing. rank says how well a row matched: 0 key equal, 1 ID number, phone
// or account id equal, 2 name or title equal, 3 key, ID number or phone containing $text (4 characters or
// more), 4 name or title containing it, 5 filing text containing it. A filing of a petitioner (filed or
// co-signed) whose ID number or phone equals $text ranks 1, whose name equals it 2: a name finds that
// person's filings, whatever their text says. Best first, at most $limit rows; an empty $text finds
// nothing. Each CONTAINS is answered by a text index (graph/schema.py SEARCHED), an account id by the range
// index on Filing.account_id. title is a filing's own title; account_ids the account ids of a petitioner or
// of a filing.
// params:
//   $text: str = required — what to look for
//   $limit: int = 50 — the most rows returned
// columns: label, key, name, category, received_date, county, id_number, phone, rank, title, account_ids
WITH $text AS text WHERE size(text) > 0
CALL () {
  MATCH (p:Petitioner)
  WHERE (p.petitioner_id CONTAINS $text OR p.name CONTAINS $text
         OR (size($text) >= 4 AND (p.id_number CONTAINS $text OR p.phone CONTAINS $text)))
  RETURN labels(p)[0] AS label, p.petitioner_id AS key, p.name AS name, null AS category,
         null AS received_date, p.county AS county, p.id_number AS id_number, p.phone AS phone,
         CASE
           WHEN p.petitioner_id = $text THEN 0
           WHEN p.id_number = $text OR p.phone = $text OR $text IN coalesce(p.account_ids, []) THEN 1
           WHEN p.name = $text THEN 2
           WHEN size($text) >= 4 AND (p.petitioner_id CONTAINS $text OR p.id_number CONTAINS $text
                                      OR p.phone CONTAINS $text) THEN 3
           WHEN p.name CONTAINS $text THEN 4
           ELSE 6
         END AS rank,
         null AS title, p.account_ids AS account_ids
  UNION ALL
  MATCH (:Filing {account_id: $text})<-[:FILED]-(p:Petitioner)
  WHERE NOT coalesce(p.petitioner_id CONTAINS $text OR p.name CONTAINS $text
                     OR (size($text) >= 4 AND (p.id_number CONTAINS $text OR p.phone CONTAINS $text)), false)
  WITH DISTINCT p
  RETURN labels(p)[0] AS label, p.petitioner_id AS key, p.name AS name, null AS category,
         null AS received_date, p.county AS county, p.id_number AS id_number, p.phone AS phone, 1 AS rank,
         null AS title, p.account_ids AS account_ids
  UNION ALL
  MATCH (f:Filing)
  WHERE (f.filing_id CONTAINS $text OR f.content CONTAINS $text OR f.title CONTAINS $text
         OR f.account_id = $text)
  RETURN labels(f)[0] AS label, f.filing_id AS key, f.petitioner_name AS name, f.category AS category,
         f.received_date AS received_date, f.county AS county, null AS id_number, null AS phone,
         CASE
           WHEN f.filing_id = $text THEN 0
           WHEN f.account_id = $text THEN 1
           WHEN f.title = $text THEN 2
           WHEN size($text) >= 4 AND f.filing_id CONTAINS $text THEN 3
           WHEN f.title CONTAINS $text THEN 4
           WHEN f.content CONTAINS $text THEN 5
           ELSE 6
         END AS rank,
         f.title AS title, CASE WHEN f.account_id IS NULL THEN null ELSE [f.account_id] END AS account_ids
  UNION ALL
  MATCH (p:Petitioner)-[:FILED|CO_SIGNED]->(f:Filing)
  WHERE p.name = $text OR (size($text) >= 4 AND (p.id_number = $text OR p.phone = $text))
  RETURN labels(f)[0] AS label, f.filing_id AS key, f.petitioner_name AS name, f.category AS category,
         f.received_date AS received_date, f.county AS county, null AS id_number, null AS phone,
         CASE WHEN size($text) >= 4 AND (p.id_number = $text OR p.phone = $text) THEN 1 ELSE 2 END AS rank,
         f.title AS title, CASE WHEN f.account_id IS NULL THEN null ELSE [f.account_id] END AS account_ids
  UNION ALL
  MATCH (i:Issue)
  WHERE (i.issue_id CONTAINS $text OR i.title CONTAINS $text)
  RETURN labels(i)[0] AS label, i.issue_id AS key, i.title AS name, i.category AS category,
         null AS received_date, i.county AS county, null AS id_number, null AS phone,
         CASE
           WHEN i.issue_id = $text THEN 0
           WHEN i.title = $text THEN 2
           WHEN size($text) >= 4 AND i.issue_id CONTAINS $text THEN 3
           WHEN i.title CONTAINS $text THEN 4
           ELSE 6
         END AS rank,
         null AS title, null AS account_ids
  UNION ALL
  MATCH (u:Unit)
  WHERE (u.unit_id CONTAINS $text OR u.name CONTAINS $text)
  RETURN labels(u)[0] AS label, u.unit_id AS key, u.name AS name, null AS category,
         null AS received_date, u.county AS county, null AS id_number, null AS phone,
         CASE
           WHEN u.unit_id = $text THEN 0
           WHEN u.name = $text THEN 2
           WHEN size($text) >= 4 AND u.unit_id CONTAINS $text THEN 3
           WHEN u.name CONTAINS $text THEN 4
           ELSE 6
         END AS rank,
         null AS title, null AS account_ids
}
WITH label, key, name, category, received_date, county, id_number, phone, title, account_ids, min(rank) AS rank
WHERE rank < 6
RETURN label, key, name, category, received_date, county, id_number, phone, rank, title, account_ids
ORDER BY rank, label, key
LIMIT $limit
