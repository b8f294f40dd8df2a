// title: Partners sharing a field
// description: Partners of an institution whose agreements with it cover a field or one of its sub-fields, with those agreements and their sources.
// param institution: institution -- the institution (id, name, alias or acronym)
// param field: field -- an ISCED-F code or name, or a field alias such as "Mining Engineering"
MATCH (me:Institution {id: $institution})-[:PARTY_TO]->(a:Agreement)<-[:PARTY_TO]-(p:Institution)
WHERE p.id <> me.id
MATCH (a)-[c:COVERS]->(d:Discipline)
WHERE $field IN d.lineage
WITH p, a, c, d
OPTIONAL MATCH (p)-[:LOCATED_IN]->(k:Country)
WITH p, a, c, d, k
OPTIONAL MATCH (a)-[:REPORTED_IN]->(s:Source)
RETURN p.id AS partner_id, p.name AS partner, k.name AS country,
       a.id AS agreement_id, a.title AS agreement, a.kind AS kind, a.signed_on AS signed_on,
       collect(DISTINCT d.name) AS fields, collect(DISTINCT c.label) AS as_written,
       collect(DISTINCT s.title) AS sources
ORDER BY partner, agreement_id
