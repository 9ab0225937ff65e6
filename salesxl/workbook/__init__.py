"""The workbook edge: the input contract, reading with located problems, and backends."""
