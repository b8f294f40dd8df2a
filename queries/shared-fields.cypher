// title: Shared fields
// description: Fields (at every ISCED-F level) that two institutions both work in, through the agreements they are party to or the strengths their sources name.
// param a: institution -- the first institution
// param b: institution -- the second institution
MATCH (x:Institution {id: $a})
WITH x
OPTIONAL MATCH (x)-[:PARTY_TO]->(:Agreement)-[:COVERS]->(d:Discipline)
WITH x, collect(DISTINCT d.code) AS covered
OPTIONAL MATCH (x)-[:STRONG_IN]->(s:Discipline)
WITH covered, collect(DISTINCT s.code) AS strong
MATCH (d:Discipline) WHERE d.code IN covered OR d.code IN strong
UNWIND d.lineage AS code
WITH collect(DISTINCT code) AS of_a
MATCH (y:Institution {id: $b})
WITH of_a, y
OPTIONAL MATCH (y)-[:PARTY_TO]->(:Agreement)-[:COVERS]->(d:Discipline)
WITH of_a, y, collect(DISTINCT d.code) AS covered
OPTIONAL MATCH (y)-[:STRONG_IN]->(s:Discipline)
WITH of_a, covered, collect(DISTINCT s.code) AS strong
MATCH (d:Discipline) WHERE d.code IN covered OR d.code IN strong
UNWIND d.lineage AS code
WITH of_a, collect(DISTINCT code) AS of_b
MATCH (f:Discipline)
WHERE f.code IN of_a AND f.code IN of_b
RETURN f.code AS code, f.name AS field, f.level AS level
ORDER BY code
