// title: Expiring agreements
// description: Agreements whose validity ends within the given number of days from a date (today unless given), soonest first.
// param within_days: int = 180 -- how many days ahead to look
// param as_of: date = today -- the date to count from (YYYY-MM-DD)
MATCH (a:Agreement)
WHERE a.valid_until >= $as_of AND a.valid_until <= $as_of + to_days($within_days)
WITH a
OPTIONAL MATCH (p:Institution)-[:PARTY_TO]->(a)
RETURN a.id AS id, a.title AS title, a.kind AS kind, a.valid_until AS valid_until,
       a.status AS status, collect(DISTINCT p.name) AS parties
ORDER BY valid_until, id
