from kb.store.embedded.adapter import EmbeddedStore

__all__ = ["EmbeddedStore"]
