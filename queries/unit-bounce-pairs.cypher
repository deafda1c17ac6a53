// unit-bounce-pairs — 推诿单位对 / Unit bounce pairs
// For every filing, the chain of handling units (as in bounced-cases: moves only, dispatch-only units left
// out, repeats in a row counted once). A bounce is a step from unit B back to unit A after an earlier step
// from A to B in the same filing. Pairs (unit_a < unit_b by id) with at least $min_bounces bounces.
// Only filings whose routing could return to a unit are read: `revisit`, a fact stored on each filing when it
// is loaded (graph/facts.py) and indexed; each one's moves are sorted in a per-filing subquery. The sending
// unit of the first move starts the chain only when the chain reaches it again: one that never comes back
// cannot be in a bounce, so it is taken from the chain's own units rather than looked up by its id.
// params:
//   $min_bounces: int = 1 — the least number of bounces between the two units
//   $ignore_actions: list = 协办,督办 — routing actions that do not move the file
//   $dispatch_markers: list = 信访局,信访办,信访接待,热线,12345,信箱 — name parts of dispatch-only units
// columns: unit_a, unit_b, unit_a_name, unit_b_name, bounces, filings, filing_ids
MATCH (f:Filing)
WHERE f.revisit = true
CALL (f) {
  MATCH (f)-[r:ROUTED]->(u:Unit)
  WHERE NOT r.action IN $ignore_actions
  WITH r, u ORDER BY r.seq
  RETURN collect(r) AS moves, collect(u) AS tos
}
WITH f, moves, tos
WHERE size(tos) > 1
WITH f, moves, tos, [u IN tos WHERE u.unit_id = moves[0].from_unit_id][0] AS src
WITH f, [x IN [src] + tos WHERE x IS NOT NULL AND NOT any(m IN $dispatch_markers WHERE x.name CONTAINS m)]
     AS handling
WITH f, [k IN range(0, size(handling) - 1) WHERE k = 0 OR handling[k] <> handling[k - 1] | handling[k]] AS hops
UNWIND range(1, size(hops) - 1) AS k
WITH f, hops, k
WHERE any(j IN range(1, k - 1) WHERE hops[j - 1] = hops[k] AND hops[j] = hops[k - 1])
WITH f,
     CASE WHEN hops[k - 1].unit_id < hops[k].unit_id THEN hops[k - 1] ELSE hops[k] END AS a,
     CASE WHEN hops[k - 1].unit_id < hops[k].unit_id THEN hops[k] ELSE hops[k - 1] END AS b
WITH a, b, count(*) AS bounces, collect(DISTINCT f.filing_id) AS fids
WHERE bounces >= $min_bounces
RETURN a.unit_id AS unit_a,
       b.unit_id AS unit_b,
       a.name AS unit_a_name,
       b.name AS unit_b_name,
       bounces,
       size(fids) AS filings,
       COLLECT { UNWIND fids AS x WITH x AS id RETURN id ORDER BY id } AS filing_ids
ORDER BY bounces DESC, unit_a, unit_b
