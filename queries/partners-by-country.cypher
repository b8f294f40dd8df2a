// title: Partners by country
// description: An institution's agreement partners grouped by country, with how many partners and agreements each country accounts for.
// param institution: institution -- the institution (id, name, alias or acronym)
MATCH (me:Institution {id: $institution})-[:PARTY_TO]->(a:Agreement)<-[:PARTY_TO]-(p:Institution)
WHERE p.id <> me.id
WITH a, p
OPTIONAL MATCH (p)-[:LOCATED_IN]->(c:Country)
RETURN coalesce(c.name, 'unknown') AS country, count(DISTINCT p.id) AS partners,
       count(DISTINCT a.id) AS agreements, collect(DISTINCT p.name) AS institutions
ORDER BY partners DESC, country
