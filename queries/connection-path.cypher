// title: Connection path
// description: The shortest chains of agreements, network memberships and parent institutions that connect two institutions (all chains of the shortest length, up to 8 steps).
// param a: institution -- where the chain starts
// param b: institution -- where the chain ends
MATCH p = (x:Institution {id: $a})-[:PARTY_TO|MEMBER_OF|PART_OF* ALL SHORTEST 1..8]-(y:Institution {id: $b})
WITH length(p) AS steps,
     list_transform(nodes(p), n -> coalesce(n.name, n.title)) AS path,
     list_transform(nodes(p), n -> label(n)) AS kinds,
     list_transform(nodes(p), n -> n.id) AS ids
RETURN steps, path, kinds, ids
ORDER BY list_reduce(ids, (x, y) -> x + '/' + y)
