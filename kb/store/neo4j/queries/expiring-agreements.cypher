// Neo4j: date arithmetic takes a duration rather than LadybugDB's to_days().
MATCH (a:Agreement)
WHERE a.valid_until >= $as_of AND a.valid_until <= $as_of + duration({days: $within_days})
WITH a
ORDER BY a.valid_until, a.id
SKIP $offset LIMIT $limit
WITH a
OPTIONAL MATCH (p:Institution)-[:PARTY_TO]->(a)
RETURN a.id AS id, a.title AS title, a.kind AS kind, a.valid_until AS valid_until,
       a.status AS status, collect(DISTINCT p.name) AS parties
ORDER BY valid_until, id
