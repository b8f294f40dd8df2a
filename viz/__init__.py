"""Interactive network maps: self-contained HTML pages (vis-network, inlined from pyvis).

`kb.viz.render` holds the pure functions (graph in, HTML out); `kb.viz.maps` projects the store
and calls them. Only the CLI and the API write the pages anywhere.
"""
