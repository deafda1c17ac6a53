// entities — 实体名片 / Entity cards
// One row per node whose key is in $keys (filing_id, petitioner_id, issue_id, unit_id, county code or
// receiving body name): what the pages need to name it and place it. name is a petitioner's, unit's,
// county's or body's name, an issue's title, or a filing's title (else the petitioner name written on it);
// category is a filing's or issue's category, or a unit's level; received_date and status are a filing's;
// account_ids a petitioner's platform account ids.
// params:
//   $keys: list = required — the keys to look up
// columns: label, key, name, category, county, received_date, status, id_number, phone, account_ids
UNWIND $keys AS k
CALL {
  WITH k MATCH (n:Filing {filing_id: k}) RETURN n
  UNION WITH k MATCH (n:Petitioner {petitioner_id: k}) RETURN n
  UNION WITH k MATCH (n:Issue {issue_id: k}) RETURN n
  UNION WITH k MATCH (n:Unit {unit_id: k}) RETURN n
  UNION WITH k MATCH (n:County {code: k}) RETURN n
  UNION WITH k MATCH (n:Org {name: k}) RETURN n
}
WITH DISTINCT n
RETURN labels(n)[0] AS label,
       coalesce(n.filing_id, n.petitioner_id, n.issue_id, n.unit_id, n.code, n.name) AS key,
       coalesce(n.title, n.name, n.petitioner_name) AS name,
       coalesce(n.category, n.level) AS category,
       n.county AS county,
       n.received_date AS received_date,
       n.status AS status,
       n.id_number AS id_number,
       n.phone AS phone,
       n.account_ids AS account_ids
ORDER BY label, key
