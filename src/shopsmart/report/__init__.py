"""``shopsmart-report``: pictures of the customer segments, as PNG files and one HTML page."""

from .data import ReportData, WarehouseUnavailable, read_report_data
from .render import write_report

__all__ = ["ReportData", "WarehouseUnavailable", "read_report_data", "write_report"]
