// bounced-cases — 推诿 / Bounced cases
// Filings whose routing visits at least $min_units distinct handling units, returns to a handling unit it
// already left, or carries a send-back ($send_back). The chain is the sending unit of the first move, then
// the receiving unit of every move in seq order; events whose action is in $ignore_actions (协办, 督办) are
// not moves of the file. Units whose name contains one of $dispatch_markers only dispatch (信访局/信访办,
// hotlines, leaders' mailboxes): they stay in `chain` but are not handling units; repeats of the same
// handling unit in a row count once. days_in_routing: from the first to the last move.
// reason lists the tests that matched: many_units, return, send_back.
// Filings are read in filing_id order from the key's index and each filing's moves are sorted inside a
// per-filing subquery: no global sort, and a page ($offset, $limit) stops as soon as it is full.
// params:
//   $min_units: int = 3 — distinct handling units that make a chain bounced
//   $send_back: str = 退回 — the action that sends a filing back
//   $ignore_actions: list = 协办,督办 — routing actions that do not move the file
//   $dispatch_markers: list = 信访局,信访办,信访接待,热线,12345,信箱 — name parts of dispatch-only units
//   $limit: int = 0 — the most rows returned (0 = all of them)
//   $offset: int = 0 — how many rows of the ordered result to skip before the first one returned
// columns: filing_id, chain, chain_unit_ids, distinct_units, returns, send_backs, days_in_routing, reason
MATCH (f:Filing)
USING INDEX f:Filing(filing_id)
WHERE f.filing_id IS NOT NULL
WITH f ORDER BY f.filing_id
CALL (f) {
  MATCH (f)-[r:ROUTED]->(u:Unit)
  WHERE NOT r.action IN $ignore_actions
  WITH r, u ORDER BY r.seq
  RETURN collect(r) AS moves, collect(u) AS tos, min(r.date) AS first_move, max(r.date) AS last_move
}
WITH f, moves, tos, first_move, last_move WHERE size(moves) > 0
OPTIONAL MATCH (src:Unit {unit_id: moves[0].from_unit_id})
WITH f, moves, first_move, last_move, [x IN [src] + tos WHERE x IS NOT NULL] AS chain
WITH f, moves, first_move, last_move, chain,
     [x IN chain WHERE NOT any(m IN $dispatch_markers WHERE x.name CONTAINS m)] AS handling
WITH f, moves, first_move, last_move, chain,
     [k IN range(0, size(handling) - 1) WHERE k = 0 OR handling[k] <> handling[k - 1] | handling[k]] AS hops
WITH f, moves, first_move, last_move, chain, hops,
     size([k IN range(0, size(hops) - 1) WHERE NOT hops[k] IN hops[0..k]]) AS distinct_units,
     size([x IN moves WHERE x.action = $send_back]) AS send_backs
WITH f, first_move, last_move, chain, distinct_units, send_backs, size(hops) - distinct_units AS returns
WHERE distinct_units >= $min_units OR returns > 0 OR send_backs > 0
RETURN f.filing_id AS filing_id,
       [x IN chain | x.name] AS chain,
       [x IN chain | x.unit_id] AS chain_unit_ids,
       distinct_units,
       returns,
       send_backs,
       duration.inDays(first_move, last_move).days AS days_in_routing,
       [t IN [[distinct_units >= $min_units, 'many_units'], [returns > 0, 'return'], [send_backs > 0, 'send_back']]
        WHERE t[0] | t[1]] AS reason
ORDER BY filing_id
SKIP $offset LIMIT CASE WHEN $limit > 0 THEN $limit ELSE 1000000000000 END
