// neighbourhood — 关联范围 / Neighbourhood
// Every node within $hops steps (0 to 3, any relationship, either direction) of the node whose key is $key
// (a filing_id, petitioner_id, issue_id, unit_id, county code or receiving body name), with its distance.
// $label narrows the start to one label when keys collide ('' = any). At most $limit rows, nearest first.
// Hubs (a county, a provincial petition bureau) make two or three hops large: keep $hops small there.
// params:
//   $key: str = required — the key of the start node
//   $label: str = '' — Filing, Petitioner, Issue, Unit, County or Org; empty for any
//   $hops: int = 1 — how many steps out (0 to 3)
//   $limit: int = 500 — the most rows returned
// columns: label, key, distance
CALL {
  MATCH (n:Filing {filing_id: $key}) RETURN n
  UNION MATCH (n:Petitioner {petitioner_id: $key}) RETURN n
  UNION MATCH (n:Issue {issue_id: $key}) RETURN n
  UNION MATCH (n:Unit {unit_id: $key}) RETURN n
  UNION MATCH (n:County {code: $key}) RETURN n
  UNION MATCH (n:Org {name: $key}) RETURN n
}
WITH n WHERE size($label) = 0 OR $label IN labels(n)
WITH collect(n) AS l0
CALL {
  WITH l0
  UNWIND l0 AS x
  MATCH (x)--(y)
  WHERE $hops >= 1 AND NOT y IN l0
  RETURN collect(DISTINCT y) AS l1
}
CALL {
  WITH l0, l1
  UNWIND l1 AS x
  MATCH (x)--(y)
  WHERE $hops >= 2 AND NOT y IN l0 AND NOT y IN l1
  RETURN collect(DISTINCT y) AS l2
}
CALL {
  WITH l0, l1, l2
  UNWIND l2 AS x
  MATCH (x)--(y)
  WHERE $hops >= 3 AND NOT y IN l0 AND NOT y IN l1 AND NOT y IN l2
  RETURN collect(DISTINCT y) AS l3
}
UNWIND [x IN l0 | [x, 0]] + [x IN l1 | [x, 1]] + [x IN l2 | [x, 2]] + [x IN l3 | [x, 3]] AS pair
WITH pair[0] AS node, pair[1] AS distance
RETURN labels(node)[0] AS label,
       coalesce(node.filing_id, node.petitioner_id, node.issue_id, node.unit_id, node.code, node.name) AS key,
       distance
ORDER BY distance, label, key
LIMIT $limit
