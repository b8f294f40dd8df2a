// title: Shared fields
// description: Fields (at every ISCED-F level) that two institutions both work in, through the agreements they are party to or the strengths their sources name.
// param a: institution -- the first institution
// param b: institution -- the second institution
MATCH (f:Discipline)
WHERE (EXISTS { MATCH (:Institution {id: $a})-[:PARTY_TO]->(:Agreement)-[:COVERS]->(d:Discipline) WHERE f.code IN d.lineage }
       OR EXISTS { MATCH (:Institution {id: $a})-[:STRONG_IN]->(d:Discipline) WHERE f.code IN d.lineage })
  AND (EXISTS { MATCH (:Institution {id: $b})-[:PARTY_TO]->(:Agreement)-[:COVERS]->(d:Discipline) WHERE f.code IN d.lineage }
       OR EXISTS { MATCH (:Institution {id: $b})-[:STRONG_IN]->(d:Discipline) WHERE f.code IN d.lineage })
RETURN f.code AS code, f.name AS field, f.level AS level
ORDER BY code
