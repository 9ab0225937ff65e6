"""salesxl: a monthly sales-target system inside the planner's own Excel workbook."""

__version__ = "0.1.0"
