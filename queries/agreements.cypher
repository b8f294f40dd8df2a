// title: Agreements
// description: Agreements with their parties, fields and sources, most recent first, one page at a time; optionally only those of one institution, of one status, or signed within dates (agreements known only by year are left out by date filters).
// param institution: institution = null -- only agreements this institution is party to
// param status: string = null -- active, expired, proposed or unknown
// param signed_after: date = null -- signed on or after this date (YYYY-MM-DD)
// param signed_before: date = null -- signed on or before this date (YYYY-MM-DD)
// param limit: int = 100 -- at most this many agreements
// param offset: int = 0 -- skip this many first (for the next page)
MATCH (x:Institution)-[:PARTY_TO]->(a:Agreement)
WHERE (x.id = $institution OR $institution IS NULL)
  AND (a.status = $status OR $status IS NULL)
  AND (a.signed_on >= $signed_after OR $signed_after IS NULL)
  AND (a.signed_on <= $signed_before OR $signed_before IS NULL)
// The page is chosen on plain values and its agreements found again by key (see
// expiring-agreements.cypher).
WITH DISTINCT a.id AS page_key, coalesce(a.signed_year, 0) AS page_year
ORDER BY page_year DESC, page_key
SKIP $offset LIMIT $limit
MATCH (a:Agreement) WHERE a.id = page_key
WITH a
OPTIONAL MATCH (p:Institution)-[:PARTY_TO]->(a)
WITH a, collect(DISTINCT p.name) AS parties
OPTIONAL MATCH (a)-[:COVERS]->(d:Discipline)
WITH a, parties, collect(DISTINCT d.name) AS fields
OPTIONAL MATCH (a)-[:REPORTED_IN]->(s:Source)
RETURN a.id AS id, a.kind AS kind, a.title AS title, a.signed_on AS signed_on,
       a.signed_year AS signed_year, a.status AS status, parties, fields,
       collect(DISTINCT s.title) AS sources
ORDER BY coalesce(a.signed_year, 0) DESC, id
