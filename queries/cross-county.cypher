// cross-county — 跨地区 / Cross-county linkage
// Groups of petitioners joined by one issue (everyone who filed or co-signed a filing about it) or by one
// co-signed filing (its filer and co-signers) whose home counties number at least $min_counties.
// A group is named by what joins it: kind Issue (group_id = issue_id) or Filing (group_id = filing_id).
// Petitioners without a known county are members but add no county.
// params:
//   $min_counties: int = 2 — the least number of distinct petitioner counties in a group
// columns: group_id, kind, petitioner_ids, counties, issue_ids, size
CALL {
  MATCH (i:Issue)<-[:ABOUT]-(:Filing)<-[:FILED|CO_SIGNED]-(p:Petitioner)
  WITH i, collect(DISTINCT p) AS ps
  RETURN i.issue_id AS group_id, labels(i)[0] AS kind, ps, [i.issue_id] AS issue_ids
  UNION ALL
  MATCH (f:Filing)<-[:CO_SIGNED]-(:Petitioner)
  WITH DISTINCT f
  MATCH (f)<-[:FILED|CO_SIGNED]-(p:Petitioner)
  WITH f, collect(DISTINCT p) AS ps
  RETURN f.filing_id AS group_id, labels(f)[0] AS kind, ps,
         COLLECT { MATCH (f)-[:ABOUT]->(i:Issue) WITH i.issue_id AS id RETURN id ORDER BY id } AS issue_ids
}
WITH group_id, kind, ps, issue_ids,
     COLLECT { UNWIND ps AS x WITH DISTINCT x.county AS c WHERE c IS NOT NULL RETURN c ORDER BY c } AS counties
WHERE size(counties) >= $min_counties
RETURN group_id,
       kind,
       COLLECT { UNWIND ps AS x WITH x.petitioner_id AS id RETURN id ORDER BY id } AS petitioner_ids,
       counties,
       issue_ids,
       size(ps) AS size
ORDER BY kind, group_id
