// title: Network members
// description: Members of a network; with a field, only members linked to it by an agreement covering it, a strength in it, or a thrust area they proposed for the network.
// param network: network -- the network (id, name, alias or acronym)
// param field: field = null -- optional ISCED-F code, name or alias
MATCH (i:Institution)-[m:MEMBER_OF]->(n:Network {id: $network})
WITH i, m, n
OPTIONAL MATCH (i)-[:LOCATED_IN]->(c:Country)
WITH i, m, n, c
OPTIONAL MATCH (i)-[:PARTY_TO]->(a:Agreement)-[:COVERS]->(d1:Discipline)
WHERE ($field IN d1.lineage OR $field IS NULL) AND $field IS NOT NULL
WITH i, m, n, c, collect(DISTINCT a.title) AS agreements
OPTIONAL MATCH (i)-[si:STRONG_IN]->(d2:Discipline)
WHERE ($field IN d2.lineage OR $field IS NULL) AND $field IS NOT NULL
WITH i, m, n, c, agreements, collect(DISTINCT si.label) AS strengths
OPTIONAL MATCH (n)-[f:FOCUSES_ON]->(d3:Discipline)
WHERE f.proposed_by = i.id AND ($field IN d3.lineage OR $field IS NULL) AND $field IS NOT NULL
WITH i, m, c, agreements, strengths, collect(DISTINCT f.label) AS proposed_areas
WHERE ($field IS NULL) OR size(agreements) > 0 OR size(strengths) > 0 OR size(proposed_areas) > 0
OPTIONAL MATCH (s:Source)
WHERE s.id IN m.sources
RETURN i.id AS member_id, i.name AS member, c.name AS country, m.role AS role,
       m.since AS since, m.since_year AS since_year,
       agreements, strengths, proposed_areas, collect(DISTINCT s.title) AS sources
ORDER BY member
