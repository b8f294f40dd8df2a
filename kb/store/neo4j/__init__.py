from kb.store.neo4j.adapter import Neo4jStore

__all__ = ["Neo4jStore"]
