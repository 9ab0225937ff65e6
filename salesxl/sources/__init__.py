"""Inputs that live outside the workbook: files a planner points salesxl at.

Like :mod:`salesxl.workbook`, this is the edge: it reads files and hands the core
clean DataFrames and located problems, never paths.
"""
