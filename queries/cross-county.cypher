// cross-county — 跨地区 / Cross-county linkage
// Groups of petitioners joined by one issue (everyone who filed or co-signed a filing about it) or by one
// co-signed filing (its filer and co-signers) whose home counties number at least $min_counties.
// A group is named by what joins it: kind Issue (group_id = issue_id) or Filing (group_id = filing_id).
// Petitioners without a known county are members but add no county.
// The groups are found by `signer_counties`, the number of home counties of an issue's or a co-signed
// filing's petitioners, a fact stored on the node when it is loaded (graph/facts.py) and indexed; they are
// put in order by their keys, the page ($offset, $limit) is cut, and only then are its members read.
// params:
//   $min_counties: int = 2 — the least number of distinct petitioner counties in a group
//   $limit: int = 0 — the most rows returned (0 = all of them)
//   $offset: int = 0 — how many rows of the ordered result to skip before the first one returned
// columns: group_id, kind, petitioner_ids, counties, issue_ids, size
CALL () {
  MATCH (f:Filing)
  WHERE f.signer_counties >= $min_counties
  RETURN f AS g, labels(f)[0] AS kind, f.filing_id AS group_id
  UNION ALL
  MATCH (i:Issue)
  WHERE i.signer_counties >= $min_counties
  RETURN i AS g, labels(i)[0] AS kind, i.issue_id AS group_id
}
WITH g, kind, group_id
ORDER BY kind, group_id
SKIP $offset LIMIT CASE WHEN $limit > 0 THEN $limit ELSE 1000000000000 END
CALL (g) {
  WITH g WHERE g:Issue
  MATCH (g)<-[:ABOUT]-(:Filing)<-[:FILED|CO_SIGNED]-(p:Petitioner)
  WITH g, collect(DISTINCT p) AS ps
  RETURN ps, [g.issue_id] AS issue_ids
  UNION ALL
  WITH g WHERE g:Filing
  MATCH (g)<-[:FILED|CO_SIGNED]-(p:Petitioner)
  WITH g, collect(DISTINCT p) AS ps
  RETURN ps, COLLECT { MATCH (g)-[:ABOUT]->(i:Issue) WITH i.issue_id AS id RETURN id ORDER BY id } AS issue_ids
}
RETURN group_id,
       kind,
       COLLECT { UNWIND ps AS x WITH x.petitioner_id AS id RETURN id ORDER BY id } AS petitioner_ids,
       COLLECT { UNWIND ps AS x WITH DISTINCT x.county AS c WHERE c IS NOT NULL RETURN c ORDER BY c } AS counties,
       issue_ids,
       size(ps) AS size
ORDER BY kind, group_id
