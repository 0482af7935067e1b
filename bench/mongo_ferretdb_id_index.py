#!/usr/bin/env python3
"""Give FerretDB 1.24's SQLite tables the index its `_id` lookups can use.

FerretDB v1.24.2 (SQLite backend) looks documents up by `_id` with
    ... WHERE _ferretdb_sjson->'$._id' = ?          (internal/backends/sqlite/metadata: IDColumn)
but creates each collection's unique `_id_` index on a different expression,
    CREATE UNIQUE INDEX ... ON <table> (_ferretdb_sjson->"_id")
which SQLite's planner does not match, so every find, update, replace and delete by `_id`
scans the whole table (EXPLAIN QUERY PLAN: "SCAN <table>"); a find with limit 1 stops at
the first match, so lookups of early documents look fast. See FerretDB issue 3340.
This adds, to every collection table of the given databases,
    CREATE INDEX <table>_hopt_id_path ON <table> (_ferretdb_sjson->'$._id')
after which the same statements "SEARCH ... USING INDEX" (O(log n)). Only for benchmarking
what hopt's protocol costs on a server whose `_id` lookups are indexed, as MongoDB's are;
FerretDB does not know about the extra index (listIndexes does not show it) and drops it
with the collection.

Usage: mongo_ferretdb_id_index.py DATA_DIR DB [DB...]
"""
import os
import sqlite3
import sys


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    data_dir = sys.argv[1]
    for db in sys.argv[2:]:
        path = os.path.join(data_dir, db + ".sqlite")
        if not os.path.exists(path):
            raise SystemExit(f"no database file {path}")
        con = sqlite3.connect(path, timeout=60)
        tables = [r[0] for r in con.execute("SELECT table_name FROM _ferretdb_collections")]
        for t in tables:
            con.execute(f'CREATE INDEX IF NOT EXISTS "{t}_hopt_id_path" ON "{t}" (_ferretdb_sjson->\'$._id\')')
        con.commit()
        plan = [r[3] for r in con.execute(
            f'EXPLAIN QUERY PLAN SELECT 1 FROM "{tables[0]}" WHERE _ferretdb_sjson->\'$._id\' = ?', ('"x"',))]
        con.close()
        print(f"mongo_ferretdb_id_index: {db}: {len(tables)} tables indexed ({plan[0]})", file=sys.stderr)


if __name__ == "__main__":
    main()
