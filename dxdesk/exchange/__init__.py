"""Data exchange between a commune and the ward/province: export packages, roll-up import, upload queue.

The package format is described in docs/exchange.md; `package` reads and checks one, `export` writes one,
`importer` merges them, `upload` sends them up through a queue that survives restarts."""
