"""Reports: the sheets salesxl writes, built as data from the core's results.

Each module turns one step's results into :class:`~salesxl.workbook.backend.SheetOutput`
values (tables with bilingual headers and number kinds). Pure: no Excel, no files;
the backends draw them.
"""
