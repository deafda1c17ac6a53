// links — 实体关系 / Links between entities
// The relationships among the nodes whose keys are in $keys (any key, as in entities), one row per
// (start, type, end) with how many edges of that type join them (a filing routed to one unit twice: 2).
// With the neighbourhood query it draws the network picture.
// params:
//   $keys: list = required — the keys of the nodes whose links are wanted
// columns: src_label, src, rel, dst_label, dst, edges
UNWIND $keys AS k
CALL {
  WITH k MATCH (n:Filing {filing_id: k}) RETURN n
  UNION WITH k MATCH (n:Petitioner {petitioner_id: k}) RETURN n
  UNION WITH k MATCH (n:Issue {issue_id: k}) RETURN n
  UNION WITH k MATCH (n:Unit {unit_id: k}) RETURN n
  UNION WITH k MATCH (n:County {code: k}) RETURN n
  UNION WITH k MATCH (n:Org {name: k}) RETURN n
}
WITH collect(DISTINCT n) AS ns
UNWIND ns AS a
MATCH (a)-[r]->(b)
WHERE b IN ns
WITH labels(a)[0] AS src_label,
     coalesce(a.filing_id, a.petitioner_id, a.issue_id, a.unit_id, a.code, a.name) AS src,
     type(r) AS rel,
     labels(b)[0] AS dst_label,
     coalesce(b.filing_id, b.petitioner_id, b.issue_id, b.unit_id, b.code, b.name) AS dst,
     count(*) AS edges
RETURN src_label, src, rel, dst_label, dst, edges
ORDER BY src_label, src, rel, dst_label, dst
