// title: Common partners
// description: Institutions that have agreements with both of two institutions, with the agreements on each side.
// param a: institution -- the first institution
// param b: institution -- the second institution
MATCH (x:Institution {id: $a})-[:PARTY_TO]->(ax:Agreement)<-[:PARTY_TO]-(p:Institution)
MATCH (p)-[:PARTY_TO]->(bx:Agreement)<-[:PARTY_TO]-(y:Institution {id: $b})
WHERE p.id <> x.id AND p.id <> y.id
WITH p, ax, bx
OPTIONAL MATCH (p)-[:LOCATED_IN]->(c:Country)
RETURN p.id AS partner_id, p.name AS partner, c.name AS country,
       collect(DISTINCT ax.title) AS agreements_with_a, collect(DISTINCT bx.title) AS agreements_with_b
ORDER BY partner
