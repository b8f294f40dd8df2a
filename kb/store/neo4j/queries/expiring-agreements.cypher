// Neo4j: date arithmetic takes a duration rather than LadybugDB's to_days().
MATCH (a:Agreement)
WHERE a.valid_until >= $as_of AND a.valid_until <= $as_of + duration({days: $within_days})
// The page is chosen on plain values, then its agreements are found again by key: carrying
// the node through ORDER BY … LIMIT made LadybugDB join the OPTIONAL MATCH against every
// PARTY_TO (3x slower at 1M agreements).
WITH a.id AS page_key, a.valid_until AS page_end
ORDER BY page_end, page_key
SKIP $offset LIMIT $limit
MATCH (a:Agreement) WHERE a.id = page_key
WITH a
OPTIONAL MATCH (p:Institution)-[:PARTY_TO]->(a)
RETURN a.id AS id, a.title AS title, a.kind AS kind, a.valid_until AS valid_until,
       a.status AS status, collect(DISTINCT p.name) AS parties
ORDER BY valid_until, id
