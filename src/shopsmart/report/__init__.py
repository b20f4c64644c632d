"""``shopsmart-report``: the customer report for marketers, one self-contained HTML page and its PNG charts."""

from .data import ReportData, WarehouseUnavailable, read_report_data
from .render import write_report

__all__ = ["ReportData", "WarehouseUnavailable", "read_report_data", "write_report"]
