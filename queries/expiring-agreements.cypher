// title: Expiring agreements
// description: Agreements whose validity ends within the given number of days from a date (today unless given), soonest first, one page at a time.
// param within_days: int = 180 -- how many days ahead to look
// param as_of: date = today -- the date to count from (YYYY-MM-DD)
// param limit: int = 100 -- at most this many agreements
// param offset: int = 0 -- skip this many first (for the next page)
MATCH (a:Agreement)
WHERE a.valid_until >= $as_of AND a.valid_until <= $as_of + to_days($within_days)
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
