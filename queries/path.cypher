// path — 最短关联 / Shortest connection
// The shortest connection between two filings or petitioners ($from_id, $to_id: a filing_id or
// petitioner_id each) over FILED, CO_SIGNED, ABOUT, ROUTED and HANDLED_BY in either direction, at most
// $max_hops steps (20 at most). Counties and receiving bodies are left out: they join everything to
// everything; so are units whose name holds one of $avoid_units (by default the dispatch hubs: petition
// bureaus, hotlines, leaders' mailboxes, through which half the filings pass) — an empty list allows them.
// The search itself is bounded at 20 steps; $max_hops filters after it (a path predicate inside
// allShortestPaths makes Neo4j fall back to an exhaustive search when no path qualifies).
// Of several shortest paths the first by (node labels and keys, then relationship types) is shown, so
// both back ends give the same one. One row per node on the path; rel is the type of the step into it.
// params:
//   $from_id: str = required — filing_id or petitioner_id where the path starts
//   $to_id: str = required — filing_id or petitioner_id where it ends
//   $max_hops: int = 8 — the longest path looked for
//   $avoid_units: list = 信访局,信访办,信访接待,热线,12345,信箱 — name parts of units the path does not pass through (dispatch hubs); empty: any unit
// columns: step, label, key, rel
CALL {
  MATCH (a:Filing {filing_id: $from_id}) RETURN a
  UNION MATCH (a:Petitioner {petitioner_id: $from_id}) RETURN a
}
CALL {
  MATCH (b:Filing {filing_id: $to_id}) RETURN b
  UNION MATCH (b:Petitioner {petitioner_id: $to_id}) RETURN b
}
MATCH p = ALL SHORTEST (a)(()-[:FILED|CO_SIGNED|ABOUT|ROUTED|HANDLED_BY]-(n)
             WHERE NOT (n:Unit AND any(m IN $avoid_units WHERE n.name CONTAINS m))){1,20}(b)
WITH p WHERE length(p) <= $max_hops
WITH p,
     [n IN nodes(p) | [labels(n)[0], coalesce(n.filing_id, n.petitioner_id, n.issue_id, n.unit_id)]] AS keys,
     [r IN relationships(p) | type(r)] AS rels
ORDER BY keys, rels
LIMIT 1
UNWIND range(0, length(p)) AS step
RETURN step,
       keys[step][0] AS label,
       keys[step][1] AS key,
       CASE WHEN step = 0 THEN null ELSE rels[step - 1] END AS rel
ORDER BY step
