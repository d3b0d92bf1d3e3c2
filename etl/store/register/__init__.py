"""duckdb side of the register extract: reading, checking and aggregating a register file.

The only place where SQL meets the person-level register; nothing person-level leaves duckdb.
"""
