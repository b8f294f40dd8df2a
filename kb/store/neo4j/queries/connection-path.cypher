// Neo4j: shortest paths are a function here, and nodes are mapped with list comprehensions.
// Paths are ordered by their ids joined with '/', as the shared text orders them.
MATCH (x:Institution {id: $a}), (y:Institution {id: $b})
MATCH p = allShortestPaths((x)-[:PARTY_TO|MEMBER_OF|PART_OF*1..8]-(y))
WITH length(p) AS steps,
     [n IN nodes(p) | coalesce(n.name, n.title)] AS path,
     [n IN nodes(p) | labels(n)[0]] AS kinds,
     [n IN nodes(p) | n.id] AS ids
RETURN steps, path, kinds, ids
ORDER BY reduce(key = '', i IN ids | key + '/' + i)
